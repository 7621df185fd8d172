using System.Runtime.CompilerServices;

namespace Analysis.Tests.Shared;

/// <summary>
/// Gives every test assembly its own analysis cache under its output folder, before any test runs, so tests never
/// read or write the user's ~/.cache/analysis (or a cache $ANALYSIS_CACHE names). Child processes (the CLI under
/// SIGKILL or a full disk) inherit the variable. Compiled into every test project by tests/Directory.Build.props.
/// </summary>
internal static class TestCache
{
    /// <summary>The cache folder this test assembly uses.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "analysis-cache");

#pragma warning disable CA2255 // a module initializer is exactly right here: it must run before any test touches the cache
    [ModuleInitializer]
    internal static void Use() => Environment.SetEnvironmentVariable("ANALYSIS_CACHE", Folder);
#pragma warning restore CA2255
}
