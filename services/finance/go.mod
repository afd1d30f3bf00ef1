module github.com/nhs-pathways/pathways/services/finance

go 1.26.8
