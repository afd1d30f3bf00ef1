module github.com/nhs-pathways/pathways/services/dashboard

go 1.26.8
