namespace Analysis.Verification;

/// <summary>What <see cref="ModelVerifier"/> found: one result per reference case, and the generation check when the reference has one.</summary>
/// <param name="ModelPath">The model file that ran.</param>
/// <param name="ReferencePath">The reference.json it was compared with.</param>
/// <param name="Device">The device the runtime used.</param>
/// <param name="DeviceNote">Why <c>auto</c> fell back to CPU, or null.</param>
/// <param name="Tolerance">The tolerance applied.</param>
/// <param name="Cases">One result per reference case.</param>
/// <param name="Generation">The greedy generation check, or null when the reference has none or it was skipped.</param>
public sealed record VerificationReport(string ModelPath, string ReferencePath, string Device, string? DeviceNote, Tolerance Tolerance,
    IReadOnlyList<CaseResult> Cases, GenerationResult? Generation)
{
    /// <summary>Whether every case is within tolerance and the generation (if any) is identical.</summary>
    public bool Passed => Cases.All(c => c.Passed) && (Generation?.Passed ?? true);

    /// <summary>The largest absolute error over all cases.</summary>
    public double MaxAbsolute => Cases.Max(c => c.Error.MaxAbsolute);

    /// <summary>The largest relative error over all cases.</summary>
    public double MaxRelative => Cases.Max(c => c.Error.MaxRelative);
}

/// <summary>One reference case: the logits' shape, the error against the reference, and whether it is within tolerance.</summary>
public sealed record CaseResult(string Name, IReadOnlyList<long> Shape, LogitsError Error, bool Passed);

/// <summary>The runtime's greedy continuation against the reference's: identical ids pass.</summary>
/// <param name="Expected">The reference's generated ids.</param>
/// <param name="Actual">The ids our runtime generated.</param>
/// <param name="MatchingPrefix">How many leading ids agree.</param>
public sealed record GenerationResult(long[] Expected, long[] Actual, int MatchingPrefix)
{
    /// <summary>Whether the two continuations are identical.</summary>
    public bool Passed => Expected.AsSpan().SequenceEqual(Actual);
}
