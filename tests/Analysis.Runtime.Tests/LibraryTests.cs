using Analysis.Runtime.Ort;

namespace Analysis.Runtime.Tests;

/// <summary>The loaded library is the GPU build of ONNX Runtime 1.31 from NuGet, and ORT's errors keep their codes.</summary>
public class LibraryTests
{
    [Fact]
    public void The_loaded_library_is_ORT_1_31_from_the_test_binaries_folder()
    {
        var environment = OrtEnvironment.Shared;
        Assert.StartsWith("1.31", environment.Version);
        Assert.Equal(AppContext.BaseDirectory.TrimEnd('/'), Path.GetDirectoryName(environment.LibraryPath));
    }

    [Fact]
    public void The_loaded_library_is_the_GPU_build_with_the_CUDA_provider_beside_it()
    {
        // The CPU-only package Microsoft.ML.OnnxRuntime, if it entered the dependency graph, would replace this library silently.
        var environment = OrtEnvironment.Shared;
        Assert.Contains(OrtEnvironment.CudaProvider, environment.AvailableProviders);
        Assert.Contains(OrtEnvironment.CpuProvider, environment.AvailableProviders);
        Assert.True(File.Exists(environment.CudaProviderPath), environment.CudaProviderPath);
        Assert.True(environment.HasCuda);
    }

    [Theory]
    [InlineData("[ErrorCode:InvalidArgument] Invalid rank for input: x", OrtErrorCode.InvalidArgument, "Invalid rank for input: x")]
    [InlineData("[ErrorCode:NoSuchFile] Load model from m.onnx failed", OrtErrorCode.NoSuchFile, "Load model from m.onnx failed")]
    [InlineData("[ErrorCode:InvalidProtobuf] Protobuf parsing failed.", OrtErrorCode.InvalidProtobuf, "Protobuf parsing failed.")]
    [InlineData("[ErrorCode:RuntimeException] Non-zero status code", OrtErrorCode.RuntimeException, "Non-zero status code")]
    [InlineData("[ErrorCode:NotImplemented] no kernel", OrtErrorCode.NotImplemented, "no kernel")]
    [InlineData("no prefix at all", OrtErrorCode.Fail, "no prefix at all")]
    public void The_error_code_is_read_back_from_the_official_message(string text, OrtErrorCode code, string message)
    {
        var (parsedCode, parsedMessage) = OrtErrors.Parse(text);
        Assert.Equal(code, parsedCode);
        Assert.Equal(message, parsedMessage);
    }
}
