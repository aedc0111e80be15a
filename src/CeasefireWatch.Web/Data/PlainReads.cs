using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Small reads run as plain commands on the context's own connection (its interceptors and pragmas apply), with table
/// and column names and stored values taken from the model, so both providers read them alike. For what runs around a
/// start: the first LINQ query of a process compiles EF Core's query pipeline and builds the relational model (about
/// half a second of CPU on this machine), and a read on the way to the first 200, or competing with it for the other
/// core, delays it by that much (docs/performance.md).
/// </summary>
internal static class PlainReads
{
    /// <summary>Whether <typeparamref name="TEntity"/>'s table has any row.</summary>
    public static async Task<bool> AnyAsync<TEntity>(AppDbContext db, CancellationToken cancellationToken)
    {
        var table = db.Model.FindEntityType(typeof(TEntity))!;
        return Convert.ToBoolean(
            await ScalarAsync(db, $"SELECT EXISTS (SELECT 1 FROM \"{table.GetTableName()}\")", _ => { }, cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The earliest <paramref name="time"/> among the rows whose <paramref name="status"/> is <paramref name="value"/>
    /// (and, with <paramref name="upTo"/>, whose time is at most it), or null when there is none.
    /// </summary>
    public static async Task<DateTime?> EarliestAsync<TEntity>(
        AppDbContext db, string time, string status, object value, DateTime? upTo, CancellationToken cancellationToken)
    {
        var table = db.Model.FindEntityType(typeof(TEntity))!;
        var timeProperty = table.FindProperty(time)!;
        var statusProperty = table.FindProperty(status)!;
        var sql = $"SELECT MIN(\"{timeProperty.GetColumnName()}\") FROM \"{table.GetTableName()}\" WHERE \"{statusProperty.GetColumnName()}\" = @status" +
            (upTo is null ? string.Empty : $" AND \"{timeProperty.GetColumnName()}\" <= @upTo");
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql, parameters =>
            {
                parameters.Add("@status", statusProperty, value);
                if (upTo is { } limit)
                {
                    parameters.Add("@upTo", timeProperty, limit);
                }
            });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken)
                ? StoredTime.Read(reader, 0)
                : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>.</summary>
    public static async Task<object?> ScalarAsync(AppDbContext db, string sql, Action<Parameters> parameters, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql, parameters);
            return await command.ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Reads the first row of <paramref name="sql"/> with <paramref name="read"/>; the connection is open meanwhile.</summary>
    public static async Task<T> FirstRowAsync<T>(
        AppDbContext db, string sql, Action<Parameters> parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"No row from: {sql}");
            }

            return read(reader);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static DbCommand Command(AppDbContext db, string sql, Action<Parameters> parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = db.Database.GetCommandTimeout() ?? command.CommandTimeout;
        parameters(new Parameters(command));
        return command;
    }

    /// <summary>Adds a command's parameters: stored as the model stores a property's value, or as plain text.</summary>
    internal readonly struct Parameters(DbCommand command)
    {
        public void Add(string name, IProperty property, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            ModelParameter.Set(parameter, property.GetRelationalTypeMapping(), value);
            command.Parameters.Add(parameter);
        }

        public void Add(string name, string value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
