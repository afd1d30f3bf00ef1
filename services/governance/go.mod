module github.com/nhs-pathways/pathways/services/governance

go 1.26.8
