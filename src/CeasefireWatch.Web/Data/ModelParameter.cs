using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Fills a reused SQLite parameter with an entity's value exactly as EF Core would store it: through the model's
/// value converter (enums as their names, for example) and its database type. Shared by the writers that bypass
/// SaveChanges (<see cref="IncidentBulkWriter"/>, <see cref="IncidentBatchWriter"/>).
/// </summary>
internal static class ModelParameter
{
    /// <summary>
    /// Each converter's own expression, compiled once. <see cref="ValueConverter.ConvertToProvider"/> checks the value's
    /// type by reflection on every call (a tenth of the engine's time for 10,000 tiers at once: docs/performance.md).
    /// </summary>
    private static readonly ConcurrentDictionary<ValueConverter, Func<object, object?>> ToProvider = new();

    public static void Set(DbParameter parameter, RelationalTypeMapping mapping, object? value)
    {
        if (value is not null && mapping.Converter is { } converter)
        {
            value = ToProvider.GetOrAdd(converter, Compile)(value);
        }

        if (mapping.DbType is { } dbType)
        {
            parameter.DbType = dbType;
        }

        parameter.Value = value ?? DBNull.Value;
    }

    private static Func<object, object?> Compile(ValueConverter converter)
    {
        var value = Expression.Parameter(typeof(object), "value");
        var convert = converter.ConvertToProviderExpression;
        var body = Expression.Invoke(convert, Expression.Convert(value, convert.Parameters[0].Type));
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(body, typeof(object)), value).Compile();
    }
}
