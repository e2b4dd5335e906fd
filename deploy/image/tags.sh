#!/usr/bin/env bash
# Names the image of Jib's OCI tarball by every reference given, so that both `docker load -i` (any version: it reads
# manifest.json) and OCI tools (skopeo, podman, containerd: index.json) load it with all its tags. Jib's tarball names
# only the first. Run by the image profile after jib:buildTar:
#   deploy/image/tags.sh TARBALL REFERENCE...
# e.g. deploy/image/tags.sh target/flowwatch-image.tar ghcr.io/matih-ai/flowwatch:0.1.0 ghcr.io/matih-ai/flowwatch:latest
set -euo pipefail

TAR=${1:?usage: tags.sh TARBALL REFERENCE...}
shift
[ $# -gt 0 ] || { echo "usage: tags.sh TARBALL REFERENCE..." >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xf "$TAR" -C "$work"
# Jib writes one manifest, compact JSON: its digest and size, then in it the config's digest before the layers'.
manifest=$(grep -o '"digest":"sha256:[0-9a-f]*"' "$work/index.json" | cut -d'"' -f4)
size=$(grep -o '"size":[0-9]*' "$work/index.json" | cut -d: -f2)
[ "$(wc -w <<<"$manifest")" -eq 1 ] || { echo "tags.sh: $TAR: expected one manifest in index.json" >&2; exit 1; }
mapfile -t blobs < <(grep -o '"digest":"sha256:[0-9a-f]*"' "$work/blobs/sha256/${manifest#sha256:}" | cut -d'"' -f4)

repo_tags=""
entries=""
for ref in "$@"; do
  repo_tags+="${repo_tags:+,}\"$ref\""
  entries+="${entries:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$manifest\",\"size\":$size,"
  entries+="\"annotations\":{\"org.opencontainers.image.ref.name\":\"$ref\",\"io.containerd.image.name\":\"$ref\"}}"
done
layers=""
for blob in "${blobs[@]:1}"; do
  layers+="${layers:+,}\"blobs/sha256/${blob#sha256:}\""
done
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$entries" \
  >"$work/index.json"
printf '[{"Config":"blobs/sha256/%s","RepoTags":[%s],"Layers":[%s]}]' "${blobs[0]#sha256:}" "$repo_tags" "$layers" \
  >"$work/manifest.json"

# Written anew (GNU tar's --delete loses the entries after the deleted one in Jib's tarball), in a fixed order.
tar -cf "$TAR.tmp" -C "$work" --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
  oci-layout index.json manifest.json blobs
mv "$TAR.tmp" "$TAR"
echo "tags.sh: $TAR names $*"
