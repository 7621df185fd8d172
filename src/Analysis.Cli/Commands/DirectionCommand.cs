using System.CommandLine;
using System.Globalization;
using Analysis.Interventions;

namespace Analysis.Cli.Commands;

/// <summary>`analysis direction`: a steering direction from class means, a saved probe, or an SAE decoder row, saved as JSON.</summary>
public static class DirectionCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Activation dataset: the direction is mean(positive) − mean(negative) of --hook." };
        var hook = new Option<string?>("--hook") { Description = "The hook (dataset column) the direction lives at; with --sae, the hook the SAE was trained on." };
        var label = new Option<string?>("--label") { Description = "Label column of the dataset (or use --label-from)." };
        var labelFrom = new Option<string?>("--label-from") { Description = "Label derived from the token, e.g. token:first-char." };
        var positive = new Option<string?>("--positive") { Description = "The class the direction points towards." };
        var negative = new Option<string?>("--negative") { Description = "The class it points away from (default: every other row)." };
        var probe = new Option<string?>("--probe") { Description = "A probe saved by 'analysis probe --save-probes' (probes/HOOK.json)." };
        var probeClass = new Option<string?>("--class") { Description = "With --probe: the class whose logit the direction raises." };
        var sae = new Option<string?>("--sae") { Description = "A safetensors SAE file with a float32 decoder W_dec [features, width]." };
        var feature = new Option<int?>("--feature") { Description = "With --sae: the feature (decoder row)." };
        var normalize = new Option<bool>("--normalize") { Description = "Scale the direction to unit L2 norm." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "The direction file to write (JSON).", Required = true };
        var command = new Command("direction", "Make a steering direction from class means, a saved probe or an SAE decoder row.")
            { data, hook, label, labelFrom, positive, negative, probe, probeClass, sae, feature, normalize, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var sources = new[] { parse.GetValue(data), parse.GetValue(probe), parse.GetValue(sae) }.Count(s => s is not null);
            if (sources != 1) throw new UserInputException("Give exactly one source: --data DIR (class means), --probe FILE, or --sae FILE.");
            string Need(Option<string?> o, string why) => parse.GetValue(o) ?? throw new UserInputException($"{o.Name} is required {why}.");
            Direction direction;
            if (parse.GetValue(data) is { } d)
            {
                var labelSpec = parse.GetValue(label) ?? parse.GetValue(labelFrom) ?? throw new UserInputException("--data needs --label COLUMN or --label-from token:….");
                direction = DirectionBuilder.FromClassMeans(d, Need(hook, "with --data"), labelSpec, Need(positive, "with --data"), parse.GetValue(negative), parse.GetValue(normalize));
            }
            else if (parse.GetValue(probe) is { } p)
                direction = DirectionBuilder.FromProbe(p, Need(probeClass, "with --probe"), parse.GetValue(normalize));
            else
                direction = DirectionBuilder.FromSae(parse.GetValue(sae)!, parse.GetValue(feature) ?? throw new UserInputException("--feature is required with --sae."),
                    Need(hook, "with --sae (the hook the SAE reads)"), parse.GetValue(normalize));
            var path = parse.GetValue(output)!;
            direction.Save(path);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {path}: {direction.Vector.Length}-dimensional direction at {direction.Hook} ({direction.Source}), norm {direction.RawNorm:0.####}{(direction.Normalized ? ", normalised to 1" : "")}."));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
