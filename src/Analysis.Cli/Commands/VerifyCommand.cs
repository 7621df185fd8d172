using System.CommandLine;
using System.Globalization;
using Analysis.Runtime;
using Analysis.Verification;

namespace Analysis.Cli;

/// <summary>`analysis verify MODEL`: runs the model through our runtime on its reference inputs and compares the logits with the exporter's.</summary>
public static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A model.onnx, or the folder holding model.onnx and reference.json." };
        var reference = new Option<string?>("--reference") { Description = "The reference.json to compare with (default: the one next to the model)." };
        var abs = new Option<double?>("--abs-tolerance") { Description = "Largest allowed absolute logit error (default: the reference file's)." };
        var rel = new Option<double?>("--rel-tolerance") { Description = "Largest allowed absolute error divided by the largest reference logit (default: the reference file's)." };
        var device = new Option<string>("--device") { Description = "cpu, cuda[:N] or auto.", DefaultValueFactory = _ => "cpu" };
        var noGeneration = new Option<bool>("--no-generation") { Description = "Skip the greedy-generation check even when the reference has one." };
        var command = new Command("verify", "Check a model's numerics: run it through our ONNX runtime on the inputs stored in its reference.json and print the maximum absolute and relative logit error against the exporter's. Exits 1 above tolerance.")
        {
            model, reference, abs, rel, device, noGeneration,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var options = new SessionOptions { Device = CommandErrors.ParseUserValue(() => Device.Parse(parse.GetValue(device)!)) };
            Tolerance? tolerance = null;
            var a = parse.GetValue(abs);
            var r = parse.GetValue(rel);
            if (a is < 0 || r is < 0) throw new UserInputException("Tolerances must be 0 or more; pass e.g. --abs-tolerance 1e-4.");
            if (a is not null || r is not null)
            {
                var stored = ModelReference.Load(parse.GetValue(reference) ?? DefaultReference(parse.GetValue(model)!)).Tolerance;
                tolerance = new Tolerance(a ?? stored.Absolute, r ?? stored.Relative);
            }
            var report = ModelVerifier.Verify(parse.GetValue(model)!, parse.GetValue(reference), tolerance, options, !parse.GetValue(noGeneration));
            if (report.DeviceNote is { } note) parse.InvocationConfiguration.Error.WriteLine($"analysis: note: {note}");
            Print(report, output);
            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static string DefaultReference(string model) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ModelVerifier.ResolveModel(model)))!, "reference.json");

    private static void Print(VerificationReport report, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"{report.ModelPath} on {report.Device} vs {report.ReferencePath}");
        output.WriteLine(string.Create(inv, $"tolerance: abs {report.Tolerance.Absolute:G3}, rel {report.Tolerance.Relative:G3}"));
        var width = report.Cases.Max(c => c.Name.Length);
        foreach (var c in report.Cases)
        {
            var shape = "[" + string.Join(", ", c.Shape) + "]";
            output.WriteLine(string.Create(inv,
                $"  {c.Name.PadRight(width)}  {shape,-16} max abs {c.Error.MaxAbsolute:0.00E+00}  max rel {c.Error.MaxRelative:0.00E+00}  {(c.Passed ? "ok" : "ABOVE TOLERANCE")}"));
        }
        if (report.Generation is { } g)
            output.WriteLine(g.Passed
                ? $"  greedy generation: {g.Actual.Length} tokens identical to the reference  ok"
                : $"  greedy generation: differs at token {g.MatchingPrefix} of {g.Expected.Length} (ours generated {g.Actual.Length})  DIFFERENT");
        output.WriteLine(string.Create(inv,
            $"{(report.Passed ? "PASSED" : "FAILED")}: max abs error {report.MaxAbsolute:0.00E+00}, max rel error {report.MaxRelative:0.00E+00}"));
    }
}
