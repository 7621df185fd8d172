namespace Analysis.Cli;

/// <summary>Process exit codes, as docs/architecture.md describes them.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>Something failed at run time.</summary>
    public const int Failure = 1;
    /// <summary>The user's input or arguments are wrong.</summary>
    public const int BadInput = 2;
}
