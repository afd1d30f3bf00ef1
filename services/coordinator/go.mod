module github.com/nhs-pathways/pathways/services/coordinator

go 1.26.8
