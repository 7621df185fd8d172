namespace Analysis.Runtime.Tests.Conformance;

/// <summary>How one ONNX node test went through our binding.</summary>
internal enum NodeTestOutcome
{
    Passed,
    Failed,
    /// <summary>ORT refuses the model (operator, opset or type not implemented), or it needs value kinds we do not bind.</summary>
    Unsupported,
}

/// <summary>One node test's outcome and, when not passed, why.</summary>
internal sealed record NodeTestResult(string Name, NodeTestOutcome Outcome, string Reason = "");
