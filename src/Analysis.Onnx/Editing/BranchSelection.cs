namespace Analysis.Onnx;

/// <summary>What <see cref="OnnxModel.SelectBranch"/> changed.</summary>
/// <param name="Condition">The bool graph input that chose the branch (now removed).</param>
/// <param name="Value">The value it is fixed to: true keeps each If node's then_branch, false its else_branch.</param>
/// <param name="IfNodes">The If nodes replaced by their branch's nodes.</param>
/// <param name="RemovedInputs">Graph inputs removed: the condition and every input the kept branch does not read.</param>
public sealed record BranchSelection(string Condition, bool Value, IReadOnlyList<string> IfNodes, IReadOnlyList<string> RemovedInputs)
{
    /// <summary>One line for people: which If nodes became which branch, and which inputs went away.</summary>
    public string Describe() =>
        $"{Condition} = {(Value ? "true" : "false")}: If node {string.Join(", ", IfNodes.Select(n => $"'{n}'"))} replaced by its "
        + $"{(Value ? "then" : "else")} branch; inputs no longer read, removed: {string.Join(", ", RemovedInputs)}";
}
