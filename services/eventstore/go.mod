module github.com/nhs-pathways/pathways/services/eventstore

go 1.26.8
