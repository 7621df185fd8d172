using System.CommandLine;
using System.Globalization;
using Analysis.Extraction;

namespace Analysis.Cli.Commands;

/// <summary>`analysis cache [info|clear]`: what the toolkit's cache holds, and removing the graphs it rebuilds on demand.</summary>
public static class CacheCommand
{
    /// <summary>Builds the command group; without a subcommand it prints the same as `info`.</summary>
    public static Command Create()
    {
        var command = new Command("cache", $"What the toolkit keeps in its cache ($ANALYSIS_CACHE, else $XDG_CACHE_HOME/analysis, else ~/.cache/analysis).");
        var info = new Command("info", "List the cache's folders: size, files, what they hold, and whether they are rebuilt on demand.");
        info.SetAction(CommandErrors.Guard(parse => Info(parse.InvocationConfiguration.Output)));
        command.SetAction(CommandErrors.Guard(parse => Info(parse.InvocationConfiguration.Output)));
        var clear = new Command("clear",
            "Delete the hooked graphs (rebuilt by the next extraction that needs them; each is a full copy of a model whose weights are inline). " +
            "Run it while no extraction is starting.");
        clear.SetAction(CommandErrors.Guard(parse =>
        {
            long bytes = AnalysisCache.Clear();
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Removed {Path.Combine(AnalysisCache.Root, AnalysisCache.HookedFolder)}: {bytes / 1e6:N1} MB."));
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(info);
        command.Subcommands.Add(clear);
        return command;
    }

    private static int Info(TextWriter output)
    {
        var entries = AnalysisCache.Describe();
        output.WriteLine(AnalysisCache.Root);
        if (entries.Count == 0) output.WriteLine("  (empty)");
        foreach (var e in entries)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {e.Name,-20} {e.Bytes / 1e6,10:N1} MB {e.Files,7:N0} file{(e.Files == 1 ? " " : "s")}  {e.Holds}"));
        if (entries.Any(e => e.Rebuilt)) output.WriteLine("`analysis cache clear` deletes the hooked graphs; the next extraction that needs one builds it again.");
        return ExitCodes.Ok;
    }
}
