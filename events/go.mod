module github.com/nhs-pathways/pathways/events

go 1.26.8
