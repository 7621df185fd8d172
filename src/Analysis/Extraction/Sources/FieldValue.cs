using System.Globalization;

namespace Analysis.Extraction.Sources;

/// <summary>The kinds of value a field of an input record holds.</summary>
internal enum FieldKind { Null, String, Integer, Number, Boolean, Json }

/// <summary>One field of an input record, as its source gave it (JSON keeps its types; CSV gives strings).</summary>
internal readonly record struct FieldValue(FieldKind Kind, string Text, long Integer = 0, double Number = 0, bool Boolean = false)
{
    public static readonly FieldValue Null = new(FieldKind.Null, "");

    public static FieldValue OfString(string s) => new(FieldKind.String, s);

    /// <summary>A field read from a text format (CSV, TSV): empty is null, and numbers/booleans are recognised.</summary>
    public static FieldValue OfText(string s)
    {
        if (s.Length == 0) return Null;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return new(FieldKind.Integer, s, l, l);
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return new(FieldKind.Number, s, 0, d);
        if (bool.TryParse(s, out var b)) return new(FieldKind.Boolean, s, Boolean: b);
        return OfString(s);
    }

    /// <summary>The narrowest label type holding both this value and values of type <paramref name="soFar"/>.</summary>
    public LabelType? Widen(LabelType? soFar)
    {
        LabelType? mine = Kind switch
        {
            FieldKind.Null => null,
            FieldKind.Integer => LabelType.Int64,
            FieldKind.Number => LabelType.Double,
            FieldKind.Boolean => LabelType.Boolean,
            _ => LabelType.String,
        };
        if (mine is null) return soFar;
        if (soFar is null || soFar == mine) return mine;
        if ((soFar, mine) is (LabelType.Int64, LabelType.Double) or (LabelType.Double, LabelType.Int64)) return LabelType.Double;
        return LabelType.String;
    }

    /// <summary>This value as a label of type <paramref name="type"/> (long, double, bool, string or null).</summary>
    public object? As(LabelType type) => Kind == FieldKind.Null ? null : type switch
    {
        LabelType.Int64 => Integer,
        LabelType.Double => Kind == FieldKind.Integer ? (double)Integer : Number,
        LabelType.Boolean => Boolean,
        _ => Text,
    };
}
