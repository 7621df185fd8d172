namespace Analysis.Runtime;

/// <summary>The shared libraries mapped into this process, read from <c>/proc/self/maps</c>.</summary>
internal static class LoadedLibraries
{
    /// <summary>The full path of the first mapped file whose name starts with <paramref name="fileName"/>, or null.</summary>
    public static string? Find(string fileName)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/');
            if (slash < 0) continue;
            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith(fileName, StringComparison.Ordinal)) return path;
        }
        return null;
    }
}
