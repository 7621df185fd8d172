namespace Analysis.Onnx;

/// <summary>
/// The rule for a path read from a file we did not write (an ONNX external-data location, a path in a manifest or a
/// config): it must be relative, must not climb with '..', and must resolve, symbolic links followed, to a place inside
/// its folder. A model can otherwise make any file on the machine be read, linked or copied (onnx CVE-2024-27318).
/// Checked before anything is opened.
/// </summary>
public static class ContainedPath
{
    private const int MaxLinkExpansions = 40; // as Linux's MAXSYMLINKS

    /// <summary>
    /// The absolute real path (symbolic links expanded) of <paramref name="relative"/> inside <paramref name="folder"/>, or an
    /// <see cref="OnnxFormatException"/> whose message starts with <paramref name="what"/> (e.g. "Tensor 'w' of 'model.onnx'").
    /// </summary>
    public static string Resolve(string folder, string relative, string what)
    {
        CheckSyntax(relative, what);
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!IsInside(full, root))
            throw Escapes(relative, what);
        // Symbolic links anywhere along the way may point out of the folder: compare the real paths.
        var real = RealPath(full);
        if (!IsInside(real, RealPath(root)))
            throw new OnnxFormatException($"{what} refers to '{relative}', which is a symbolic link (or lies under one) pointing outside its folder '{root}'; refusing to read it: copy the file into the folder instead.");
        // The real path, so that what is checked (its size) is what is opened, not a link's own.
        return real;
    }

    /// <summary>
    /// Refuses an absolute path, a path with a '..' segment, an empty path or one with a NUL: what can be told without
    /// the file system (a model loaded from bytes has no folder yet).
    /// </summary>
    public static void CheckSyntax(string relative, string what)
    {
        if (string.IsNullOrEmpty(relative) || relative.Contains('\0'))
            throw new OnnxFormatException($"{what} has an empty or malformed path; the file is corrupt or was not written by a trusted tool.");
        if (Path.IsPathRooted(relative) || relative.StartsWith('/') || relative.StartsWith('\\')
            || (relative.Length >= 2 && relative[1] == ':' && char.IsAsciiLetter(relative[0])))
            throw new OnnxFormatException($"{what} refers to the absolute path '{relative}'; only paths relative to the file's own folder are allowed, so refusing to read it.");
        if (relative.Split('/', '\\').Any(segment => segment == ".."))
            throw Escapes(relative, what);
    }

    private static OnnxFormatException Escapes(string relative, string what) =>
        new($"{what} refers to '{relative}', which climbs out of its folder with '..'; only files inside the file's own folder may be referenced, so refusing to read it.");

    private static bool IsInside(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison) || string.Equals(path, folder, comparison);
    }

    /// <summary>
    /// The path with every symbolic link along it expanded, component by component as the kernel does (a link's '..'
    /// applies to the link's target, not to its name). Components that do not exist are kept as they are.
    /// </summary>
    public static string RealPath(string path)
    {
        // Not Path.GetFullPath: it would apply '..' to a link's name before the link is expanded.
        var full = Path.IsPathFullyQualified(path) ? path : Path.Combine(System.IO.Directory.GetCurrentDirectory(), path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Split(full[root.Length..]).Reverse());
        var resolved = new List<string>();
        var expansions = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "." or "") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Path.Combine(root, Path.Combine([.. resolved, part]));
            string? target = null;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Unreadable: treated as a plain component; opening it later fails on its own.
            }
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }
            if (++expansions > MaxLinkExpansions)
                throw new OnnxFormatException($"'{path}' passes through more than {MaxLinkExpansions} symbolic links (a loop?); refusing to read it.");
            if (Path.IsPathRooted(target))
            {
                resolved.Clear();
                root = Path.GetPathRoot(target)!;
                target = target[root.Length..];
            }
            foreach (var t in Split(target).Reverse()) pending.Push(t);
        }
        return Path.Combine(root, Path.Combine([.. resolved]));
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
