using System.Buffers.Binary;
using System.Numerics;

namespace Analysis.Parquet;

/// <summary>Turns a stored value into the .NET value its logical type means.</summary>
internal static class ValueConversion
{
    public static object Convert(ParquetColumn column, ParquetColumnData data, int i)
    {
        var lt = column.Leaf.LogicalType;
        switch (column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean: return data.Values<byte>()[i] != 0;
            case ParquetPhysicalType.Int32:
            {
                int v = data.Values<int>()[i];
                return lt?.Kind switch
                {
                    ParquetLogicalKind.Date => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + v),
                    ParquetLogicalKind.Integer when !lt.IsSigned => (long)(uint)v,
                    ParquetLogicalKind.Decimal => (decimal)v / Pow10(lt.Scale),
                    _ => (long)v,
                };
            }
            case ParquetPhysicalType.Int64:
            {
                long v = data.Values<long>()[i];
                return lt?.Kind switch
                {
                    ParquetLogicalKind.Timestamp => Timestamp(v, lt.Unit),
                    ParquetLogicalKind.Integer when !lt.IsSigned => (object)(ulong)v,
                    ParquetLogicalKind.Decimal => (decimal)v / Pow10(lt.Scale),
                    _ => v,
                };
            }
            case ParquetPhysicalType.Int96:
            {
                // Legacy Impala timestamps: nanoseconds of the day, then the Julian day.
                var b = data.GetBytes(i);
                long nanos = BinaryPrimitives.ReadInt64LittleEndian(b);
                int julian = BinaryPrimitives.ReadInt32LittleEndian(b[8..]);
                return DateTime.UnixEpoch.AddDays(julian - 2440588).AddTicks(nanos / 100);
            }
            case ParquetPhysicalType.Float: return (double)data.Values<float>()[i];
            case ParquetPhysicalType.Double: return data.Values<double>()[i];
            case ParquetPhysicalType.FixedLenByteArray when lt?.Kind == ParquetLogicalKind.Float16:
                return (double)BinaryPrimitives.ReadHalfLittleEndian(data.GetBytes(i));
            case ParquetPhysicalType.FixedLenByteArray when lt?.Kind == ParquetLogicalKind.Uuid:
                return new Guid(data.GetBytes(i), bigEndian: true);
            default:
            {
                var bytes = data.GetBytes(i);
                if (lt?.Kind is ParquetLogicalKind.String or ParquetLogicalKind.Json or ParquetLogicalKind.Enum) return System.Text.Encoding.UTF8.GetString(bytes);
                if (lt?.Kind == ParquetLogicalKind.Decimal) return (decimal)new BigInteger(bytes, isUnsigned: false, isBigEndian: true) / Pow10(lt.Scale);
                return bytes.ToArray();
            }
        }
    }

    private static decimal Pow10(int n) { decimal p = 1; for (int k = 0; k < n; k++) p *= 10; return p; }

    private static DateTime Timestamp(long v, ParquetTimeUnit unit) => unit switch
    {
        ParquetTimeUnit.Millis => DateTime.UnixEpoch.AddTicks(v * TimeSpan.TicksPerMillisecond),
        ParquetTimeUnit.Micros => DateTime.UnixEpoch.AddTicks(v * 10),
        _ => DateTime.UnixEpoch.AddTicks(v / 100),
    };
}
