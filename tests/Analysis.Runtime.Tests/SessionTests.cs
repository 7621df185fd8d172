namespace Analysis.Runtime.Tests;

public class SessionTests
{
    [Fact]
    public void Add_model_matches_its_expected_output_and_reports_metadata()
    {
        var folder = TestData.NodeTest("test_add");
        using var session = InferenceSession.Open(Path.Combine(folder, "model.onnx"));
        Assert.Equal(["x", "y"], session.Inputs.Select(i => i.Name));
        Assert.Equal("sum", Assert.Single(session.Outputs).Name);
        Assert.Equal(TensorElementType.Float, session.Inputs[0].ElementType);
        Assert.Equal([3L, 4, 5], session.Inputs[0].Shape.Select(d => d.Size));
        Assert.Equal(Device.Cpu, session.Device);
        Assert.Null(session.DeviceNote);

        var x = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_0.pb"));
        var y = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_1.pb"));
        var expected = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "output_0.pb"));
        using var results = session.Run(new Dictionary<string, Tensor> { ["x"] = x.ToTensor(), ["y"] = y.ToTensor() });
        var sum = results["sum"];
        Assert.Equal([3L, 4, 5], sum.Shape);
        Assert.Equal(TensorElementType.Float, sum.ElementType);
        // Independent check: the sum computed here from the input files, and the expected file.
        var xs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(x.Bytes);
        var ys = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(y.Bytes);
        var got = sum.AsSpan<float>();
        for (var i = 0; i < got.Length; i++) Assert.Equal(xs[i] + ys[i], got[i]);
        Assert.Equal(expected.Bytes, sum.Bytes.ToArray());
    }

    [Fact]
    public void Without_memory_reuse_a_session_gives_the_same_bytes_run_after_run()
    {
        var folder = TestData.NodeTest("test_add");
        var x = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_0.pb")).ToTensor();
        var y = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_1.pb")).ToTensor();
        var expected = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "output_0.pb"));
        using var session = InferenceSession.Open(Path.Combine(folder, "model.onnx"), new SessionOptions { ReuseCpuMemory = false });
        for (var run = 0; run < 3; run++)
        {
            using var results = session.Run(new Dictionary<string, Tensor> { ["x"] = x, ["y"] = y });
            Assert.Equal(expected.Bytes, results["sum"].Bytes.ToArray());
        }
    }

    [Fact]
    public void Symbolic_dimensions_are_reported_by_name()
    {
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, "batch", 3, "width"));
        var shape = session.Inputs[0].Shape;
        Assert.Equal(new Dimension(-1, "batch"), shape[0]);
        Assert.Equal(new Dimension(3), shape[1]);
        Assert.Equal("width", shape[2].Symbol);
        Assert.Equal("x: Float[batch, 3, width]", session.Inputs[0].ToString());
    }

    [Fact]
    public void Inputs_are_read_in_place_without_copying()
    {
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, "n"));
        var data = new float[] { 1, 2, 3 };
        var input = new Dictionary<string, Tensor> { ["x"] = Tensor.Create(data, 3) };
        using (var first = session.Run(input)) Assert.Equal([1f, 2, 3], first[0].ToArray<float>());
        data[1] = 42; // the same Tensor object sees the change: ORT reads the caller's array itself
        using var second = session.Run(input);
        Assert.Equal([1f, 42, 3], second[0].ToArray<float>());
    }

    [Fact]
    public void Output_subset_returns_only_the_named_outputs()
    {
        var folder = TestData.NodeTest("test_split_equal_parts_1d");
        using var session = InferenceSession.Open(Path.Combine(folder, "model.onnx"));
        Assert.Equal(3, session.Outputs.Count);
        var input = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "input_0.pb"));
        var expected = ProtoTensor.Read(Path.Combine(folder, "test_data_set_0", "output_2.pb"));
        var last = session.Outputs[2].Name;
        using var results = session.Run(new Dictionary<string, Tensor> { [session.Inputs[0].Name] = input.ToTensor() }, [last]);
        var only = Assert.Single(results);
        Assert.Equal(last, only.Name);
        Assert.Equal(expected.Bytes, only.Bytes.ToArray());
    }

    [Fact]
    public void Unknown_input_or_output_name_is_an_argument_error_naming_the_real_ones()
    {
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, 2));
        var input = new Dictionary<string, Tensor> { ["nope"] = Tensor.Create(new float[2], 2) };
        var e = Assert.ThrowsAny<ArgumentException>(() => session.Run(input));
        Assert.Contains("'nope'", e.Message);
        Assert.Contains("x", e.Message);
        var good = new Dictionary<string, Tensor> { ["x"] = Tensor.Create(new float[2], 2) };
        Assert.ThrowsAny<ArgumentException>(() => session.Run(good, ["missing"]));
    }

    [Fact]
    public void Wrong_shape_or_type_is_ORTs_invalid_argument()
    {
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, 2));
        var wrongShape = new Dictionary<string, Tensor> { ["x"] = Tensor.Create(new float[3], 3) };
        var e = Assert.Throws<OrtArgumentException>(() => session.Run(wrongShape));
        Assert.Equal(OrtErrorCode.InvalidArgument, e.Code);
        Assert.Contains("dimensions", e.OrtMessage);
        var wrongType = new Dictionary<string, Tensor> { ["x"] = Tensor.Create(new long[2], 2) };
        Assert.Equal(OrtErrorCode.InvalidArgument, Assert.Throws<OrtArgumentException>(() => session.Run(wrongType)).Code);
    }

    [Fact]
    public void Missing_file_is_FileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => InferenceSession.Open("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_ONNX_is_InvalidData_with_ORTs_code()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not a protobuf model, just text\n");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => InferenceSession.Open(path));
            Assert.Contains(path, e.Message);
            Assert.Equal(OrtErrorCode.InvalidProtobuf, Assert.IsType<OrtException>(e.InnerException).Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_truncated_model_is_InvalidData()
    {
        var bytes = File.ReadAllBytes(TestData.NodeModel("test_conv_with_strides_padding"));
        var e = Assert.Throws<InvalidDataException>(() => InferenceSession.FromBytes(bytes.AsMemory(0, bytes.Length * 2 / 3)));
        Assert.True(OrtException.IsBadInput(Assert.IsType<OrtException>(e.InnerException).Code));
    }

    [Fact]
    public void An_opset_ORT_does_not_know_is_InvalidData()
    {
        var e = Assert.Throws<InvalidDataException>(() => InferenceSession.FromBytes(Models.Graph("Identity",
            TensorElementType.Float, TensorElementType.Float, [2], opset: 999)));
        Assert.Contains("999", e.Message);
    }

    [Fact]
    public void Dimension_and_data_mismatch_is_rejected_before_ORT()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Create(new float[5], 2, 3));
        Assert.Contains("24 bytes", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Create(new float[0], -1));
    }

    [Fact]
    public void An_operator_ORT_does_not_implement_is_InvalidData_with_NotImplemented()
    {
        var e = Assert.Throws<InvalidDataException>(() => InferenceSession.Open(TestData.NodeModel("test_bitshift_left_uint16")));
        Assert.Equal(OrtErrorCode.NotImplemented, Assert.IsType<OrtException>(e.InnerException).Code);
        Assert.Contains("BitShift", e.Message);
    }

    [Fact]
    public void One_session_runs_on_many_threads_at_once()
    {
        using var session = InferenceSession.Open(TestData.NodeModel("test_add"), new SessionOptions { IntraOpThreads = 1 });
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var x = Enumerable.Range(0, 60).Select(v => (float)(v * i)).ToArray();
            var y = Enumerable.Repeat((float)i, 60).ToArray();
            using var r = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create(x, 3, 4, 5), ["y"] = Tensor.Create(y, 3, 4, 5) });
            var sum = r[0].AsSpan<float>();
            for (var k = 0; k < 60; k++) Assert.Equal(x[k] + y[k], sum[k]);
        });
    }

    [Fact]
    public void Disposed_sessions_and_results_refuse_use()
    {
        var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, 1));
        var results = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create([1f], 1) });
        results.Dispose();
        Assert.Throws<ObjectDisposedException>(() => results[0].AsSpan<float>().Length);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create([1f], 1) }));
    }
}
