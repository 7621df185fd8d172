using Analysis.Onnx;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Sae;

/// <summary>
/// One whole training step of an SAE as an ONNX graph (opset 17), the same computation as <see cref="SaeTrainer.Step"/>
/// written densely: encoder GEMM + bias + ReLU, the architecture's selection (TopK, BatchTopK, ReLU-L1) scattered into a
/// dense code matrix, decoder, loss terms, the five dense gradient products, AuxK over dead latents (the variant built with
/// <c>auxK</c>), W_dec's gradient without its component along each row, Adam, W_dec rows renormalised, the BatchTopK
/// threshold and the per-latent firing history. The parameters, Adam's moments, the firing history and the threshold go in
/// as inputs and come out as <c>NAME.next</c>, so that a runner binds one step's outputs as the next step's inputs and they
/// never leave the device. The learning rate arrives per step as Adam's step size (lr / bias correction 1) and
/// √(bias correction 2), computed on the host in double as <see cref="Adam"/> does.
/// </summary>
internal static class SaeStepGraph
{
    public const string X = "x", StepSize = "step_size", Bc2Sqrt = "bc2_sqrt", AuxKCount = "aux_k", AuxCoef = "aux_coef", Stats = "stats";
    public const string EncoderRows = "w_enc", EncoderBias = "b_enc", DecoderRows = "w_dec", DecoderBias = "b_dec", SinceFired = "since_fired", Threshold = "threshold";

    /// <summary>The carried state, in the order <see cref="SaeCheckpoint"/> and the host mirror keep it.</summary>
    public static readonly string[] State =
    [
        EncoderRows, EncoderBias, DecoderRows, DecoderBias,
        "m_" + EncoderRows, "v_" + EncoderRows, "m_" + EncoderBias, "v_" + EncoderBias,
        "m_" + DecoderRows, "v_" + DecoderRows, "m_" + DecoderBias, "v_" + DecoderBias,
        SinceFired, Threshold,
    ];

    /// <summary>The entries of the <see cref="Stats"/> output, in order.</summary>
    public enum Stat { SquaredError, L1, AuxSquaredError, TotalVariance, Active, DeadAfter }

    public static string Next(string state) => state + ".next";

    public static OnnxModel Build(SaeSpec spec, AdamSettings adam, bool auxK)
    {
        int d = spec.DIn, m = spec.DSae;
        var g = new GraphBuilder(17, "sae_step");
        var n = 0;
        string T(string hint) => $"{hint}.{n++}";
        string Op(string op, string[] inputs, string hint, params (string, object)[] attributes)
        {
            var o = T(hint);
            g.Node(op, inputs, [o], attributes);
            return o;
        }
        string Const(string name, float v) { g.Initializer(name, [v], 1); return name; }
        // Per row, then over rows: two short float sums instead of one over rows × d_in values, for metrics that match a double sum.
        string SumOfSquares(string t, string hint) =>
            Op("ReduceSum", [Op("ReduceSum", [Op("Mul", [t, t], hint + "_sq"), "c.axis1"], hint + "_rows", ("keepdims", 0L))], hint, ("keepdims", 0L));

        g.Input(X, DataType.Float, "rows", d).Input(StepSize, DataType.Float, 1).Input(Bc2Sqrt, DataType.Float, 1);
        var shapes = Shapes(d, m);
        foreach (var s in State) g.Input(s, s == SinceFired ? DataType.Int64 : DataType.Float, shapes[s]);
        if (auxK) g.Input(AuxKCount, DataType.Int64, 1).Input(AuxCoef, DataType.Float, 1);
        g.Initializer("c.axis0", [0L], 1).Initializer("c.axis1", [1L], 1).Initializer("c.k", [(long)spec.K], 1)
            .Initializer("c.dead_tokens", [spec.DeadTokens], 1).Initializer("c.one", [1L], 1).Initializer("c.flat", [1L, -1L], 2)
            .Initializer("c.d", [(long)d], 1).Initializer("c.zero_i", [0L], 1);
        var zero = Const("c.zero", 0f); var two = Const("c.two", 2f);

        var rows = Op("Shape", [X], "rows", ("start", 0L), ("end", 1L));
        var rowsF = Op("Cast", [rows], "rows_f", ("to", (long)DataType.Float));

        // Encoder: ReLU((x − b_dec)·W_enc + b_enc), W_enc kept as rows (W_encᵀ).
        var xc = Op("Sub", [X, DecoderBias], "xc");
        var pre = Op("Relu", [Op("Gemm", [xc, EncoderRows, EncoderBias], "pre_lin", ("transB", 1L))], "pre");
        var preShape = Op("Shape", [pre], "pre_shape");
        var zeros = Op("ConstantOfShape", [preShape], "zeros");

        // Selection, scattered into a dense [rows × m] code matrix z.
        string z;
        var threshold = Next(Threshold);
        switch (spec.Architecture)
        {
            case SaeArchitecture.TopK:
            {
                var (v, i) = (T("top_v"), T("top_i"));
                g.Node("TopK", [pre, "c.k"], [v, i], ("axis", -1L));
                z = Op("ScatterElements", [zeros, i, v], "z", ("axis", 1L));
                g.Node("Identity", [Threshold], [threshold]);
                break;
            }
            case SaeArchitecture.BatchTopK:
            {
                var (v, i) = (T("top_v"), T("top_i"));
                g.Node("TopK", [Op("Reshape", [pre, "c.flat"], "pre_flat"), Op("Mul", ["c.k", rows], "batch_k")], [v, i], ("axis", -1L));
                var zFlat = Op("ScatterElements", [Op("Reshape", [zeros, "c.flat"], "zeros_flat"), i, v], "z_flat", ("axis", 1L));
                z = Op("Reshape", [zFlat, preShape], "z");
                // θ ← (1 − r)·θ + r·(smallest kept positive activation), when anything was kept.
                var inf = Const("c.inf", float.PositiveInfinity);
                var keptMin = Op("Reshape", [Op("ReduceMin", [Op("Where", [Op("Greater", [v, zero], "kept"), v, inf], "kept_or_inf")], "kept_min", ("keepdims", 0L)), "c.one"], "kept_min1");
                var moved = Op("Add", [Op("Mul", [Threshold, Const("c.keep", 1 - spec.ThresholdRate)], "theta_kept"),
                    Op("Mul", [keptMin, Const("c.rate", spec.ThresholdRate)], "theta_new")], "theta_moved");
                g.Node("Where", [Op("Less", [keptMin, inf], "any_kept"), moved, Threshold], [threshold]);
                break;
            }
            default:
                z = pre;
                g.Node("Identity", [Threshold], [threshold]);
                break;
        }
        var active = Op("Cast", [Op("Greater", [z, zero], "z_pos")], "active", ("to", (long)DataType.Float));
        var activeCount = Op("ReduceSum", [active], "active_count", ("keepdims", 0L));

        // Decoder, error, MSE's gradient 2(x̂ − x)/rows, and the batch's total variance (for FVU).
        var err = Op("Sub", [Op("Gemm", [z, DecoderRows, DecoderBias], "xhat"), X], "err");
        var sqErr = SumOfSquares(err, "sq_err");
        var gOut = Op("Mul", [err, Op("Div", [two, rowsF], "two_over_rows")], "g_out");
        var dev = Op("Sub", [X, Op("ReduceMean", [X], "x_mean", ("axes", new long[] { 0 }))], "x_dev");
        var totalVar = SumOfSquares(dev, "total_var");

        // ∂loss/∂z = g_out·W_decᵀ (+ λ‖W_dec row‖/rows for ReLU), through the selection and ReLU (active entries only).
        var dz = Op("Gemm", [gOut, DecoderRows], "dz_out", ("transB", 1L));
        var l1 = zero;
        if (spec.Architecture == SaeArchitecture.Relu)
        {
            var norms = Op("Sqrt", [Op("ReduceSum", [Op("Mul", [DecoderRows, DecoderRows], "w_dec_sq"), "c.axis1"], "w_dec_norm_sq", ("keepdims", 0L))], "w_dec_norm");
            var l1Scale = Op("Div", [Const("c.l1", spec.L1Coefficient), rowsF], "l1_scale");
            dz = Op("Add", [dz, Op("Mul", [norms, l1Scale], "l1_grad")], "dz");
            var weighted = Op("ReduceSum", [Op("Mul", [Op("ReduceSum", [z, "c.axis0"], "z_colsum", ("keepdims", 0L)), norms], "z_norm")], "z_norm_sum", ("keepdims", 0L));
            l1 = Op("Mul", [weighted, l1Scale], "l1");
        }
        var dPre = Op("Mul", [dz, active], "dpre_main");
        var gDec = Op("Gemm", [z, gOut], "g_dec_main", ("transA", 1L));
        var auxSq = zero;
        if (auxK)
        {
            // AuxK: the top aux_k dead latents (pre masked to dead ones) decode without b_dec to ê; loss ∝ ‖ê − (x − x̂)‖²
            // with the residual held fixed; aux_coef = 2α·scale/rows.
            var deadF = Op("Cast", [Op("GreaterOrEqual", [SinceFired, "c.dead_tokens"], "dead")], "dead_f", ("to", (long)DataType.Float));
            var (v, i) = (T("aux_v"), T("aux_i"));
            g.Node("TopK", [Op("Mul", [pre, deadF], "pre_dead"), AuxKCount], [v, i], ("axis", -1L));
            var zAux = Op("ScatterElements", [zeros, i, v], "z_aux", ("axis", 1L));
            var auxErr = Op("Add", [Op("MatMul", [zAux, DecoderRows], "e_hat"), err], "aux_err");
            auxSq = SumOfSquares(auxErr, "aux_sq");
            var gAux = Op("Mul", [auxErr, AuxCoef], "g_aux");
            var activeAux = Op("Cast", [Op("Greater", [zAux, zero], "z_aux_pos")], "active_aux", ("to", (long)DataType.Float));
            dPre = Op("Add", [dPre, Op("Mul", [Op("Gemm", [gAux, DecoderRows], "dz_aux", ("transB", 1L)), activeAux], "dpre_aux")], "dpre");
            gDec = Op("Gemm", [zAux, gAux, gDec], "g_dec_raw", ("transA", 1L));
        }

        // Gradients of the parameters; W_dec's loses its component along each (unit) row.
        var gEnc = Op("Gemm", [dPre, xc], "g_enc", ("transA", 1L));
        var gEncBias = Op("ReduceSum", [dPre, "c.axis0"], "g_b_enc", ("keepdims", 0L));
        var along = Op("ReduceSum", [Op("Mul", [gDec, DecoderRows], "g_dec_w"), "c.axis1"], "g_dec_along", ("keepdims", 1L));
        gDec = Op("Sub", [gDec, Op("Mul", [along, DecoderRows], "g_dec_par")], "g_dec");
        // b_dec is added by the decoder and subtracted before the encoder.
        var back = Op("MatMul", [Op("Unsqueeze", [gEncBias, "c.axis0"], "g_b_enc_row"), EncoderRows], "g_b_dec_enc");
        var gDecBias = Op("Reshape", [Op("Sub", [Op("ReduceSum", [gOut, "c.axis0"], "g_out_sum", ("keepdims", 0L)), back], "g_b_dec_row"), "c.d"], "g_b_dec");

        // Adam, as Adam.Update computes it.
        var b1 = Const("c.b1", adam.Beta1); var c1 = Const("c.c1", 1 - adam.Beta1);
        var b2 = Const("c.b2", adam.Beta2); var c2 = Const("c.c2", 1 - adam.Beta2); var eps = Const("c.eps", adam.Epsilon);
        void AdamStep(string p, string grad, string output)
        {
            var mNext = Next("m_" + p); var vNext = Next("v_" + p);
            g.Node("Add", [Op("Mul", ["m_" + p, b1], "m_decay"), Op("Mul", [grad, c1], "m_in")], [mNext]);
            g.Node("Add", [Op("Mul", ["v_" + p, b2], "v_decay"), Op("Mul", [Op("Mul", [grad, c2], "g_c2"), grad], "v_in")], [vNext]);
            var denominator = Op("Add", [Op("Div", [Op("Sqrt", [vNext], "v_sqrt"), Bc2Sqrt], "v_hat_sqrt"), eps], "adam_den");
            g.Node("Sub", [p, Op("Mul", [StepSize, Op("Div", [mNext, denominator], "adam_dir")], "adam_delta")], [output]);
        }
        AdamStep(EncoderRows, gEnc, Next(EncoderRows));
        AdamStep(EncoderBias, gEncBias, Next(EncoderBias));
        var stepped = T("w_dec_stepped");
        AdamStep(DecoderRows, gDec, stepped);
        AdamStep(DecoderBias, gDecBias, Next(DecoderBias));
        var rowNorm = Op("Sqrt", [Op("ReduceSum", [Op("Mul", [stepped, stepped], "w_dec_new_sq"), "c.axis1"], "w_dec_new_norm_sq", ("keepdims", 1L))], "w_dec_new_norm");
        g.Node("Div", [stepped, rowNorm], [Next(DecoderRows)]);

        // Firing history: a latent active for any token of the batch restarts at 0, the others age by the batch.
        var fired = Op("Greater", [Op("ReduceMax", [active], "fired_max", ("axes", new long[] { 0 }), ("keepdims", 0L)), zero], "fired");
        g.Node("Where", [fired, "c.zero_i", Op("Add", [SinceFired, rows], "aged")], [Next(SinceFired)]);
        var deadAfter = Op("ReduceSum", [Op("Cast", [Op("GreaterOrEqual", [Next(SinceFired), "c.dead_tokens"], "dead_after_b")], "dead_after_f", ("to", (long)DataType.Float))],
            "dead_after", ("keepdims", 0L));

        string[] stats = [sqErr, l1, auxSq, totalVar, activeCount, deadAfter];
        g.Node("Concat", stats.Select(s => Op("Reshape", [s, "c.one"], "stat")).ToArray(), [Stats], ("axis", 0L));
        foreach (var s in State) g.Output(Next(s), s == SinceFired ? DataType.Int64 : DataType.Float, shapes[s]);
        g.Output(Stats, DataType.Float, Enum.GetValues<Stat>().Length);
        return g.Build();
    }

    /// <summary>A graph of Identity nodes from every state input to an output, run with CPU-bound outputs to read the state back.</summary>
    public static OnnxModel Readback(SaeSpec spec)
    {
        var g = new GraphBuilder(17, "sae_state");
        var shapes = Shapes(spec.DIn, spec.DSae);
        foreach (var s in State)
        {
            var type = s == SinceFired ? DataType.Int64 : DataType.Float;
            g.Input(s, type, shapes[s]).Node("Identity", [s], [Next(s)]).Output(Next(s), type, shapes[s]);
        }
        return g.Build();
    }

    public static Dictionary<string, Dim[]> Shapes(int d, int m)
    {
        var shapes = new Dictionary<string, Dim[]>(StringComparer.Ordinal);
        foreach (var s in State)
        {
            var p = s.StartsWith("m_", StringComparison.Ordinal) || s.StartsWith("v_", StringComparison.Ordinal) ? s[2..] : s;
            shapes[s] = p switch
            {
                EncoderRows or DecoderRows => [m, d],
                EncoderBias or SinceFired => [m],
                DecoderBias => [d],
                _ => [1],
            };
        }
        return shapes;
    }
}
