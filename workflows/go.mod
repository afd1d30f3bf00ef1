module github.com/nhs-pathways/pathways/workflows

go 1.26.8
