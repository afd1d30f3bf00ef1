module github.com/nhs-pathways/pathways/services/worker

go 1.26.8
