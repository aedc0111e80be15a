using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Fills a reused SQLite parameter with an entity's value exactly as EF Core would store it: through the model's
/// value converter (enums as their names, for example) and its database type. Shared by the writers that bypass
/// SaveChanges (<see cref="IncidentBulkWriter"/>, <see cref="IncidentBatchWriter"/>).
/// </summary>
internal static class ModelParameter
{
    public static void Set(DbParameter parameter, RelationalTypeMapping mapping, object? value)
    {
        if (value is not null && mapping.Converter is { } converter)
        {
            value = converter.ConvertToProvider(value);
        }

        if (mapping.DbType is { } dbType)
        {
            parameter.DbType = dbType;
        }

        parameter.Value = value ?? DBNull.Value;
    }
}
