namespace Analysis.Sae;

/// <summary>
/// Parallel.For only when the loop is worth it: small SAEs take many tiny steps, and waking worker threads costs more
/// than their work (badly so on a loaded machine). Results never depend on the choice: each item writes its own outputs.
/// </summary>
internal static class ParallelWork
{
    private const long Threshold = 1 << 17;

    /// <summary>Runs body(0..n-1), in parallel when n × workPerItem (≈ multiply-adds) passes the threshold.</summary>
    public static void For(int n, long workPerItem, Action<int> body)
    {
        if (n <= 1 || n * workPerItem < Threshold || Environment.ProcessorCount == 1)
            for (var i = 0; i < n; i++) body(i);
        else Parallel.For(0, n, body);
    }
}
