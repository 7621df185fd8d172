using System.Reflection;

namespace Analysis.Cli.Tests;

/// <summary>Runs the CLI in process, capturing what it prints; and finds the repository's committed files.</summary>
internal static class Cli
{
    /// <summary>The repository root (committed models, data and golden files).</summary>
    public static readonly string Root = typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>`analysis ARGS`: the exit code and what went to stdout and stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>`analysis ARGS` is refused as bad input: exit 2, one sentence naming <paramref name="expected"/>, no stack trace, no output folder.</summary>
    public static async Task AssertBadInput(string[] args, string expected, string output)
    {
        var (code, _, error) = await Run(args);
        Assert.True(code == 2, $"{string.Join(' ', args)} → {code}: {error}");
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(output), $"{expected}: the output folder was left behind");
    }
}
