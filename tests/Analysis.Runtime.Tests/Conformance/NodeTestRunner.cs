namespace Analysis.Runtime.Tests.Conformance;

/// <summary>Runs one libonnx-testdata node test (model.onnx + test_data_set_*/input_*.pb, output_*.pb) through the binding.</summary>
internal static class NodeTestRunner
{
    private static readonly SessionOptions Options = new() { IntraOpThreads = 1, InterOpThreads = 1 };

    public static NodeTestResult Run(string folder)
    {
        var name = Path.GetFileName(folder);
        InferenceSession session;
        try
        {
            session = InferenceSession.Open(Path.Combine(folder, "model.onnx"), Options);
        }
        catch (Exception e) when (e is InvalidDataException or IOrtError)
        {
            var code = (e as IOrtError ?? e.InnerException as IOrtError)?.Code;
            var ortMessage = (e as IOrtError ?? e.InnerException as IOrtError)?.OrtMessage ?? e.Message;
            return IsUnsupported(code, ortMessage)
                ? new NodeTestResult(name, NodeTestOutcome.Unsupported, $"ORT {code}: {FirstLine(ortMessage)}")
                : new NodeTestResult(name, NodeTestOutcome.Failed, $"load, ORT {code}: {FirstLine(ortMessage)}");
        }
        using (session)
        {
            var nonTensor = session.Inputs.Concat(session.Outputs).FirstOrDefault(v => v.Kind != ValueKind.Tensor);
            if (nonTensor is not null)
                return new NodeTestResult(name, NodeTestOutcome.Unsupported, $"{nonTensor.Kind} value '{nonTensor.Name}': Analysis.Runtime binds tensors only");
            foreach (var set in Directory.EnumerateDirectories(folder, "test_data_set_*").Order(StringComparer.Ordinal))
            {
                var failure = RunDataSet(session, set);
                if (failure is not null) return new NodeTestResult(name, NodeTestOutcome.Failed, $"{Path.GetFileName(set)}: {failure}");
            }
        }
        return new NodeTestResult(name, NodeTestOutcome.Passed);
    }

    private static string? RunDataSet(InferenceSession session, string set)
    {
        var inputs = new Dictionary<string, Tensor>();
        for (var i = 0; File.Exists(Path.Combine(set, $"input_{i}.pb")); i++)
            inputs[session.Inputs[i].Name] = AsDeclared(ProtoTensor.Read(Path.Combine(set, $"input_{i}.pb")), session.Inputs[i]).ToTensor();
        var expected = new List<ProtoTensor>();
        for (var i = 0; File.Exists(Path.Combine(set, $"output_{i}.pb")); i++)
            expected.Add(AsDeclared(ProtoTensor.Read(Path.Combine(set, $"output_{i}.pb")), session.Outputs[i]));
        try
        {
            using var results = session.Run(inputs, session.Outputs.Take(expected.Count).Select(o => o.Name).ToArray());
            for (var i = 0; i < expected.Count; i++)
            {
                var difference = OutputComparison.Compare(expected[i], results[i]);
                if (difference is not null) return difference;
            }
            return null;
        }
        catch (Exception e) when (e is IOrtError or InvalidDataException)
        {
            return $"run, ORT {(e as IOrtError)?.Code}: {FirstLine((e as IOrtError)?.OrtMessage ?? e.Message)}";
        }
    }

    // ONNX 1.12 stored bfloat16 test data as uint16 tensors (numpy has no bfloat16): read those bits as declared.
    private static ProtoTensor AsDeclared(ProtoTensor tensor, ValueMetadata declared) =>
        tensor.ElementType == TensorElementType.UInt16 && declared.ElementType == TensorElementType.BFloat16
            ? tensor with { ElementType = TensorElementType.BFloat16 }
            : tensor;

    // ORT says "not implemented" in several ways: the code itself, or a failure naming an unknown operator/opset.
    private static bool IsUnsupported(OrtErrorCode? code, string message) =>
        code == OrtErrorCode.NotImplemented
        || message.Contains("is not a registered function/op", StringComparison.Ordinal)
        || message.Contains("Could not find an implementation", StringComparison.Ordinal)
        || message.Contains("is under development", StringComparison.Ordinal)
        || message.Contains("are not supported", StringComparison.Ordinal);

    private static string FirstLine(string message)
    {
        // ORT prefixes messages with its source location; keep what a reader needs.
        var line = message.Split('\n')[0].Trim();
        var sourceEnd = line.IndexOf(") ", StringComparison.Ordinal);
        if (line.StartsWith('/') && sourceEnd > 0) line = line[(sourceEnd + 2)..];
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
