namespace Analysis.Runtime.Tests;

/// <summary>Device requests; no GPU exists here, so CUDA's failure mode and auto's fallback are what is tested.</summary>
public class DeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("CPU", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData(" cuda:3 ", DeviceKind.Cuda, 3, "cuda:3")]
    [InlineData("auto", DeviceKind.Auto, 0, "auto")]
    public void Parses_what_users_write(string text, DeviceKind kind, int index, string canonical)
    {
        var device = Device.Parse(text);
        Assert.Equal(new Device(kind, index), device);
        Assert.Equal(canonical, device.ToString());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Rejects_anything_else_with_the_accepted_forms(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Device.Parse(text));
        Assert.Contains("cpu, cuda, cuda:N", e.Message);
    }

    [Fact]
    public void Cuda_without_CUDA_13_names_the_missing_library_and_what_to_install()
    {
        var options = new SessionOptions { Device = Device.Cuda(0) };
        if (CudaLibraries.Check().FirstMissing is not { } missing)
        {
            // A GPU machine (tools/gpu/check.sh runs the suite there too): the same request runs on the GPU.
            using var session = InferenceSession.Open(TestData.NodeModel("test_add"), options);
            Assert.Equal(Device.Cuda(0), session.Device);
            return;
        }
        var e = Assert.Throws<DeviceUnavailableException>(() => InferenceSession.Open(TestData.NodeModel("test_add"), options));
        Assert.Contains(missing.FileName, e.Message);
        Assert.Contains("install", e.Message);
        Assert.Contains("cuda:0", e.Message);
        Assert.IsAssignableFrom<ArgumentException>(e); // the CLI maps it to exit code 2
    }

    [Fact]
    public void The_CUDA_check_lists_every_library_of_CUDA_13_and_cuDNN_9()
    {
        var names = CudaLibraries.Check().Libraries.Select(l => l.FileName).ToArray();
        Assert.Contains("libcudart.so.13", names);
        Assert.Contains("libcublasLt.so.13", names);
        Assert.Contains("libcudnn.so.9", names);
        Assert.Contains("libcuda.so.1", names);
    }

    [Fact]
    public void Auto_falls_back_to_CPU_with_a_note_and_still_runs()
    {
        using var session = InferenceSession.Open(TestData.NodeModel("test_add"), new SessionOptions { Device = Device.Auto });
        if (CudaLibraries.Check().FirstMissing is { } missing)
        {
            Assert.Equal(Device.Cpu, session.Device);
            Assert.NotNull(session.DeviceNote);
            Assert.Contains($"running on CPU: CUDA needs {missing.FileName}", session.DeviceNote);
        }
        using var r = session.Run(new Dictionary<string, Tensor>
        {
            ["x"] = Tensor.Create(Enumerable.Repeat(1f, 60).ToArray(), 3, 4, 5),
            ["y"] = Tensor.Create(Enumerable.Repeat(2f, 60).ToArray(), 3, 4, 5),
        });
        Assert.All(r[0].ToArray<float>(), v => Assert.Equal(3f, v));
    }
}
