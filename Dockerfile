# The GitHub Action's image (action.yml). Two stages: build a static binary
# with cgo (pg_query's C parser) on the Go image, then run it from a minimal
# image that holds nothing but the binary and CA certificates.
#
# Docker container actions run as root and must not set USER; the runner
# mounts the checkout at /github/workspace, the working directory.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
RUN VERSION="${VERSION}" ./scripts/build /out/migrate-guard \
    && /out/migrate-guard version

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/migrate-guard /migrate-guard
ENTRYPOINT ["/migrate-guard"]
