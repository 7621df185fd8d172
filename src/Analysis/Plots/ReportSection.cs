namespace Analysis.Plots;

/// <summary>One part of a report page: an HTML fragment (a heading, plots, tables) and how many plots it holds.</summary>
/// <param name="Html">The fragment, already escaped; it starts with its own &lt;h2&gt;.</param>
/// <param name="Plots">The number of svg.plot elements in it, which the page's in-browser check expects to be drawn.</param>
public sealed record ReportSection(string Html, int Plots);
