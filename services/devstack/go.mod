module github.com/nhs-pathways/pathways/services/devstack

go 1.26.8
