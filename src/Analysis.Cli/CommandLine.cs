using System.CommandLine;

namespace Analysis.Cli;

/// <summary>The `analysis` command tree: each subcommand lives in its own file under Commands/.</summary>
public static class CommandLine
{
    /// <summary>`--verbose`: print stack traces of run-time failures. Available on every subcommand.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the full stack trace when something fails.",
        Recursive = true,
    };

    /// <summary>Builds the root command with every subcommand registered.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Analysis: look inside ONNX language models — hooks, activations, probes.");
        root.Options.Add(Verbose);
        // In the order a user meets them: the main job, then the steps it is made of, then the tools around them.
        root.Subcommands.Add(Commands.DemoCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(ExposeCommand.Create());
        root.Subcommands.Add(Commands.ExtractCommand.Create());
        root.Subcommands.Add(Commands.ProbeCommand.Create());
        root.Subcommands.Add(Commands.PcaCommand.Create());
        root.Subcommands.Add(Commands.PlsCommand.Create());
        root.Subcommands.Add(Commands.LensCommand.Create());
        root.Subcommands.Add(Commands.AttentionCommand.Create());
        root.Subcommands.Add(Commands.SaeCommand.Create());
        root.Subcommands.Add(Commands.DirectionCommand.Create());
        root.Subcommands.Add(Commands.SteerCommand.Create());
        root.Subcommands.Add(Commands.GenerateCommand.Create());
        root.Subcommands.Add(Commands.PatchCommand.Create());
        root.Subcommands.Add(Commands.AblateCommand.Create());
        root.Subcommands.Add(Commands.SimilarityCommand.Create());
        root.Subcommands.Add(Commands.ReportCommand.Create());
        root.Subcommands.Add(Commands.DatasetCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(Commands.TokenizeCommand.Create());
        root.Subcommands.Add(Commands.ParquetCommand.Create());
        root.Subcommands.Add(Commands.CacheCommand.Create());
        root.Subcommands.Add(Commands.DoctorCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; returns the process exit code (0 ok, 1 run-time failure, 2 bad input or arguments).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var result = Build().Parse(args);
        var config = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
        if (result.Errors.Count > 0 && result.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var e in result.Errors) config.Error.WriteLine($"analysis: {e.Message}");
            config.Error.WriteLine("Run 'analysis --help' (or 'analysis COMMAND --help') for usage.");
            return ExitCodes.BadInput;
        }
        return await result.InvokeAsync(config);
    }
}
