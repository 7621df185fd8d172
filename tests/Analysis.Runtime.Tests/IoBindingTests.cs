using System.Runtime.InteropServices;

namespace Analysis.Runtime.Tests;

public class IoBindingTests
{
    [Fact]
    public void Outputs_bound_to_caller_memory_are_written_in_place_on_every_run()
    {
        using var session = InferenceSession.Open(TestData.NodeModel("test_add"));
        var x = new float[60];
        var y = new float[60];
        var sum = new float[60];
        for (var i = 0; i < 60; i++) { x[i] = i; y[i] = 0.5f * i; }
        using var binding = session.CreateBinding();
        binding.BindInput("x", Tensor.Create(x, 3, 4, 5));
        binding.BindInput("y", Tensor.Create(y, 3, 4, 5));
        binding.BindOutput("sum", Tensor.Create(sum, 3, 4, 5));
        binding.Run();
        for (var i = 0; i < 60; i++) Assert.Equal(x[i] + y[i], sum[i]);
        x[7] = 1000; // inputs are read in place too
        binding.Run();
        Assert.Equal(1000 + y[7], sum[7]);
        using var outputs = binding.GetOutputs();
        Assert.Equal("sum", Assert.Single(outputs).Name);
        Assert.Equal(sum, outputs[0].ToArray<float>());
    }

    [Fact]
    public void Outputs_bound_by_name_are_allocated_by_ORT()
    {
        var folder = TestData.NodeTest("test_add");
        var x = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_0.pb"));
        var y = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_1.pb"));
        var expected = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "output_0.pb"));
        using var session = InferenceSession.Open(Path.Combine(folder, "model.onnx"));
        using var binding = session.CreateBinding();
        binding.BindInput("x", x.ToTensor());
        binding.BindInput("y", y.ToTensor());
        binding.BindOutput("sum");
        binding.Run();
        using var outputs = binding.GetOutputs();
        Assert.Equal([3L, 4, 5], outputs["sum"].Shape);
        Assert.Equal(expected.Bytes, outputs["sum"].Bytes.ToArray());
        Assert.Equal(MemoryMarshal.Cast<byte, float>(expected.Bytes).ToArray(), outputs["sum"].ToArray<float>());
    }

    [Fact]
    public void Outputs_kept_on_the_device_feed_the_next_run_without_a_copy()
    {
        // sum ← x + y, three times, with each run's sum (allocated by ORT on the session's device) bound as the next x.
        using var session = InferenceSession.Open(TestData.NodeModel("test_add"));
        var y = Enumerable.Range(0, 60).Select(i => (float)i).ToArray();
        using var binding = session.CreateBinding();
        binding.BindInput("x", Tensor.Create(new float[60], 3, 4, 5));
        binding.BindInput("y", Tensor.Create(y, 3, 4, 5));
        RunResults? previous = null;
        for (var run = 1; run <= 3; run++)
        {
            binding.BindOutputOnDevice("sum");
            binding.Run();
            var outputs = binding.GetOutputs();
            binding.BindInput("x", outputs["sum"]);
            previous?.Dispose(); // the binding holds its own reference to what it reads
            previous = outputs;
            Assert.True(outputs["sum"].InHostMemory); // a CPU session's device is the host
            Assert.Equal(y.Select(v => run * v), outputs["sum"].ToArray<float>());
        }
        previous!.Dispose();
    }

    [Fact]
    public void Unknown_names_and_cleared_bindings_are_reported()
    {
        using var session = InferenceSession.Open(TestData.NodeModel("test_add"));
        using var binding = session.CreateBinding();
        Assert.ThrowsAny<ArgumentException>(() => binding.BindInput("nope", Tensor.Create(new float[60], 3, 4, 5)));
        Assert.ThrowsAny<ArgumentException>(() => binding.BindOutput("nope"));
        binding.BindInput("x", Tensor.Create(new float[60], 3, 4, 5));
        binding.BindOutput("sum");
        binding.Clear();
        binding.BindOutput("sum");
        var e = Assert.ThrowsAny<Exception>(binding.Run); // inputs were cleared: ORT reports the missing feed
        Assert.IsAssignableFrom<IOrtError>(e);
    }
}
