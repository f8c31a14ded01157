module drydock/quickstart/clairclient

go 1.25.0

require (
	github.com/go-jose/go-jose/v3 v3.0.5
	github.com/quay/claircore v1.5.52
)

require (
	github.com/Masterminds/semver v1.5.0 // indirect
	github.com/quay/claircore/toolkit v1.4.0 // indirect
	go.uber.org/mock v0.6.0 // indirect
	golang.org/x/crypto v0.48.0 // indirect
	golang.org/x/mod v0.33.0 // indirect
	golang.org/x/sync v0.19.0 // indirect
	golang.org/x/tools v0.42.0 // indirect
)
