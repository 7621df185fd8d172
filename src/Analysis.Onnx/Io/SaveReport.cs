namespace Analysis.Onnx;

/// <summary>What <see cref="OnnxModel.Save(string, SaveOptions?)"/> wrote where.</summary>
/// <param name="ModelPath">Absolute path of the model file written.</param>
/// <param name="ModelBytes">Size of that file.</param>
/// <param name="ExternalFiles">Each external data file the saved model refers to, and how the reference was kept valid.</param>
public sealed record SaveReport(string ModelPath, long ModelBytes, IReadOnlyList<ExternalFileLink> ExternalFiles)
{
    /// <summary>One human-readable line per thing written or referenced.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"wrote {ModelPath} ({ModelBytes:N0} bytes)";
        foreach (var f in ExternalFiles) yield return f.Describe();
    }
}

/// <summary>How a saved model refers to one external data file (never copied or rewritten).</summary>
/// <param name="Source">Absolute path of the weight file.</param>
/// <param name="Location">The location written into the saved model, relative to its folder.</param>
/// <param name="Kind">How the reference stays valid.</param>
public sealed record ExternalFileLink(string Source, string Location, ExternalLinkKind Kind)
{
    /// <summary>One human-readable line.</summary>
    public string Describe() => Kind switch
    {
        ExternalLinkKind.SameFolder => $"kept reference to {Source} (same folder, unchanged)",
        _ => $"hard-linked {Source} as {Location} (no data copied)",
    };
}

/// <summary>How a saved model keeps an external data reference valid without copying weights.</summary>
public enum ExternalLinkKind
{
    /// <summary>The model was saved into the weights' folder; the location is unchanged.</summary>
    SameFolder,
    /// <summary>A hard link to the weight file was made in the new folder (same file system; zero bytes copied).</summary>
    HardLink,
}

/// <summary>Options for <see cref="OnnxModel.Save(string, SaveOptions?)"/>.</summary>
/// <param name="HardLinkExternalData">When saving to another folder, hard-link weight files into it; false (or a failed link) refuses to save there.</param>
public sealed record SaveOptions(bool HardLinkExternalData = true);
