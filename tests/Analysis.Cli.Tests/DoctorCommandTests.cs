using System.Diagnostics;
using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>
/// `analysis doctor`, and the CLI's ONNX Runtime: the built CLI, run as its own process, must load the GPU build. If the
/// CPU-only package Microsoft.ML.OnnxRuntime ever enters the dependency graph, its library replaces the GPU one and these fail.
/// </summary>
public class DoctorCommandTests
{
    private static readonly string Root = Cli.Root;

    [Fact]
    public async Task The_built_CLI_loads_ORT_1_31_with_the_CUDA_and_CPU_providers()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "analysis.dll");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime_providers_cuda.so")), "the CLI's output lacks the CUDA provider");
        var start = new ProcessStartInfo("dotnet", [cli, "doctor", "--json"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal("", stderr); // ORT logs nothing to stderr: its environment is created at Fatal level
        using var json = JsonDocument.Parse(await stdout);
        Assert.StartsWith("1.31", json.RootElement.GetProperty("onnxruntime_version").GetString());
        var providers = json.RootElement.GetProperty("providers").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("CUDAExecutionProvider", providers);
        Assert.Contains("CPUExecutionProvider", providers);
        Assert.Equal(AppContext.BaseDirectory.TrimEnd('/'), Path.GetDirectoryName(json.RootElement.GetProperty("onnxruntime_library").GetString()));
    }

    [Fact]
    public async Task The_report_lists_CUDAs_libraries_the_cache_and_the_codecs()
    {
        var (code, output, error) = await Cli.Run("doctor");
        Assert.True(code == 0, error);
        Assert.Contains("ONNX Runtime 1.31", output);
        Assert.Contains("libcudart.so.13", output);
        Assert.Contains("libcudnn.so.9", output);
        Assert.Contains("GPUs:", output);
        Assert.Contains("Cache: ", output);
        Assert.Contains("zstd", output);
        Assert.Contains("Analysis.Tokenizers", output);
    }

    [Fact]
    public async Task Cuda_without_a_GPU_stack_exits_2_naming_the_missing_library_and_auto_falls_back_with_a_note()
    {
        if (Analysis.Runtime.CudaLibraries.Check().FirstMissing is null) return; // a GPU machine: tools/gpu/check.sh covers CUDA there
        var model = Path.Combine(Root, "onnx-models", "gpt2-tiny");
        var (code, output, error) = await Cli.Run("verify", model, "--device", "cuda");
        Assert.True(code == 2, output + error);
        Assert.Matches(@"needs lib[a-zA-Z]+\.so\.\d+, which was not found; install ", error);
        Assert.Single(error.Trim().Split('\n'));
        (code, output, error) = await Cli.Run("verify", model, "--device", "auto");
        Assert.True(code == 0, output + error);
        Assert.Matches(@"note: running on CPU: CUDA needs lib[a-zA-Z]+\.so\.\d+, which was not found; install ", error);
    }
}
