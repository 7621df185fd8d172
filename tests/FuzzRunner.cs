namespace Analysis.Tests.Shared;

/// <summary>
/// Runs fuzz cases one at a time, each on its own thread with a time limit and an allocation budget, and tallies the
/// outcomes by exception type. A case fails when it escapes with an exception <c>acceptable</c> rejects, runs past the
/// limit (a hang), or allocates more than the budget (an allocation sized by the file).
/// </summary>
internal sealed class FuzzRunner(Func<Exception, bool> acceptable, TimeSpan limit, long allocationBudget)
{
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];

    public int Cases { get; private set; }

    public bool Hung { get; private set; }

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Outcomes by exception type ("ok" when the case ran through).</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    public void Run(string name, Action body)
    {
        Cases++;
        long allocated = 0;
        var task = Task.Factory.StartNew(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try { body(); }
            finally { allocated = GC.GetAllocatedBytesForCurrentThread() - before; }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!task.Wait(limit))
            {
                Hung = true; // the thread cannot be stopped; the run ends here
                _failures.Add($"{name}: still running after {limit.TotalSeconds:N0} s");
                Tally("hang");
                return;
            }
            Tally("ok");
        }
        catch (AggregateException wrapped) when (wrapped.InnerException is { } e)
        {
            Tally(e.GetType().Name);
            if (!acceptable(e)) _failures.Add($"{name}: {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }
        if (allocated > allocationBudget) _failures.Add($"{name}: allocated {allocated >> 20} MiB (budget {allocationBudget >> 20} MiB)");
    }

    /// <summary>One failure per distinct place (the first frame of the stack), for a readable report.</summary>
    public string Distinct() => string.Join("\n\n", _failures
        .GroupBy(f => f.Split('\n').Skip(1).FirstOrDefault(l => l.Contains(" in ")) ?? f)
        .Select(g => $"[{g.Count()}x] {g.First()}"));

    public string Summary() => $"{Cases} cases: {string.Join(", ", _outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}";

    private void Tally(string outcome) => _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
}
