using System.Diagnostics;
using Spectre.Console;

namespace Analysis.Cli.Rendering;

/// <summary>
/// Shows the progress of long work on stderr: a Spectre.Console bar with rate and ETA on a terminal, or a plain line
/// every few seconds when stderr is redirected (logs, CI, cluster jobs).
/// </summary>
public static class ProgressDisplay
{
    /// <summary>One snapshot of progress: done and total units, and the text beside the bar.</summary>
    public readonly record struct Snapshot(double Done, double Total, string Detail);

    /// <summary>
    /// Runs <paramref name="work"/>, which reports snapshots through the callback it is given, and renders them on
    /// <paramref name="error"/>. Returns what the work returns.
    /// </summary>
    public static T Run<T>(string title, TextWriter error, Func<Action<Snapshot>, T> work)
    {
        bool interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive) return RunPlain(title, error, work);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                result = work(s =>
                {
                    task.MaxValue = Math.Max(1, s.Total);
                    task.Value = Math.Min(s.Done, task.MaxValue);
                    task.Description = Markup.Escape($"{title}  {s.Detail}");
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    private static T RunPlain<T>(string title, TextWriter error, Func<Action<Snapshot>, T> work)
    {
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        return work(s =>
        {
            if (clock.Elapsed - last < TimeSpan.FromSeconds(5) && s.Done < s.Total) return;
            last = clock.Elapsed;
            var eta = s.Done > 0 && s.Total > s.Done ? TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (s.Total - s.Done) / s.Done) : TimeSpan.Zero;
            error.WriteLine($"{title}: {s.Done:N0}/{s.Total:N0}  {s.Detail}  eta {eta:hh\\:mm\\:ss}");
        });
    }
}
