module github.com/nhs-pathways/pathways/api

go 1.26.8
