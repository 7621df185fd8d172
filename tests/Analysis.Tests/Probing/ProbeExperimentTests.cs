using Analysis.Numerics;
using Analysis.Probing;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Probing;

public class ProbeExperimentTests
{
    // 60 word types; each type has a fixed label (its first letter class) and a planted embedding direction for that label.
    private static (Matrix X, string[] Labels, string[] Types) Tokens(int rows, double signal, int seed)
    {
        var rng = new Random(seed);
        var dirs = Synthetic.OrthonormalDirections(4, 24, seed);
        var x = new Matrix(rows, 24);
        var labels = new string[rows];
        var types = new string[rows];
        for (var i = 0; i < rows; i++)
        {
            var type = rng.Next(60);
            var label = type % 4;
            types[i] = "w" + type;
            labels[i] = "abcd"[label].ToString();
            for (var j = 0; j < 24; j++) x[i, j] = (float)(signal * dirs[label][j] + Synthetic.Normal(rng));
        }
        return (x, labels, types);
    }

    [Fact]
    public void Decodable_property_beats_every_baseline_and_has_positive_selectivity()
    {
        var (x, labels, types) = Tokens(1500, signal: 3, seed: 1);
        var r = ProbeExperiment.Run("blocks.0.hook_resid_post", x, labels, types, options: new ProbeOptions { BootstrapResamples = 200 });
        Assert.Equal(3, r.Seeds.Length);
        Assert.InRange(r.Accuracy.Value, 0.85, 1.0);
        Assert.InRange(r.Accuracy.Value, r.Accuracy.Low, r.Accuracy.High);
        Assert.InRange(r.Majority.Value, 0.15, 0.35);   // 4 balanced classes
        Assert.InRange(r.Shuffled.Value, 0.15, 0.40);   // no signal survives shuffling
        Assert.True(r.Selectivity!.Value > 0.2, $"selectivity {r.Selectivity.Value}");
        Assert.Equal(r.Accuracy.Value - r.Control!.Value, r.Selectivity.Value, 9);
        Assert.StartsWith("Hewitt & Liang control task on the probe's random split", r.ControlTask);
    }

    [Fact]
    public void Pure_noise_is_at_chance()
    {
        var (x, labels, types) = Tokens(1200, signal: 0, seed: 2);
        var r = ProbeExperiment.Run("h", x, labels, types, options: new ProbeOptions { Seeds = [0], BootstrapResamples = 200 });
        Assert.InRange(r.Accuracy.Value, 0.15, 0.37);
    }

    [Fact]
    public void Grouping_by_word_type_makes_the_control_task_not_applicable()
    {
        var (x, labels, types) = Tokens(900, signal: 3, seed: 4);
        var r = ProbeExperiment.Run("h", x, labels, types, groups: types, options: new ProbeOptions { Seeds = [0, 1], BootstrapResamples = 100 });
        Assert.Null(r.Control);
        Assert.Null(r.Selectivity);
        Assert.All(r.Seeds, s => Assert.Null(s.Control));
        Assert.Equal(0, r.SeenTypeShare);
        Assert.StartsWith("not applicable: only 0% of test rows", r.ControlTask);
        Assert.InRange(r.Accuracy.Value, 0.85, 1.0);   // every label's direction generalises to unseen word types
    }

    [Fact]
    public void C_is_chosen_on_validation_log_loss_small_for_noise_and_large_for_separable_data()
    {
        // 30 rows per class in 24 dimensions of pure noise: any fit is overconfident, so the strongest regularisation wins.
        var (noise, noiseLabels, noiseTypes) = Tokens(240, signal: 0, seed: 5);
        var n = ProbeExperiment.Run("h", noise, noiseLabels, noiseTypes, options: new ProbeOptions { Seeds = [0, 1], BootstrapResamples = 50 });
        Assert.Equal(0.001, n.C);
        Assert.All(n.Seeds, s => Assert.Equal(0.001, s.C));
        Assert.InRange(n.LogLoss, Math.Log(4) - 0.05, Math.Log(4) + 0.05);   // calibrated at chance, not the overconfident log-loss of C = 1
        var overconfident = ProbeExperiment.Run("h", noise, noiseLabels, noiseTypes, options: new ProbeOptions { Seeds = [0, 1], BootstrapResamples = 50, CGrid = [] });
        Assert.True(overconfident.LogLoss > n.LogLoss + 0.1, $"fixed C=1 log-loss {overconfident.LogLoss} vs chosen {n.LogLoss}");
        Assert.Equal("fixed", overconfident.CSelection);
        Assert.Equal(1.0, overconfident.C);

        // A strong signal: weak regularisation is no longer costly, and a larger C wins.
        var (x, labels, types) = Tokens(1500, signal: 4, seed: 6);
        var s = ProbeExperiment.Run("h", x, labels, types, options: new ProbeOptions { Seeds = [0], BootstrapResamples = 50 });
        Assert.True(s.C >= 0.1, $"chosen C {s.C}");
        Assert.Equal("validation log-loss over {0.001, 0.01, 0.1, 1, 10}", s.CSelection);
    }

    [Fact]
    public void Control_task_gives_one_label_per_word_type()
    {
        string[] types = ["the", "cat", "the", "sat", "cat", "the"];
        var control = ProbeExperiment.ControlLabels(types, [0, 1, 2, 0, 1, 2], seed: 3);
        Assert.Equal(control[0], control[2]);
        Assert.Equal(control[0], control[5]);
        Assert.Equal(control[1], control[4]);
    }

    [Fact]
    public void NaN_activations_are_rejected_with_their_position()
    {
        var (x, labels, types) = Tokens(100, 1, 3);
        x[7, 3] = float.NaN;
        var e = Assert.Throws<BadInputException>(() => ProbeExperiment.Run("blocks.3.hook_resid_post", x, labels, types));
        Assert.Contains("row 7, column 3", e.Message);
        Assert.Contains("blocks.3.hook_resid_post", e.Message);
    }
}
