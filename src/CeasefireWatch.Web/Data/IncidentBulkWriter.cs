using System.Data.Common;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Writes many new incidents (an import) with one prepared INSERT per table, reused for every row, inside the
/// caller's transaction. EF Core's SQLite provider sends one command per row through its whole save pipeline
/// (about 0.2 ms each: 17,000 incidents with their reports and timelines took 12–25 s); this takes about a second.
/// The statements, columns and value conversions all come from the EF Core model, so they follow the schema: the
/// rows are exactly those SaveChanges would write. The incidents were built by the domain (<see cref="Incident.Import"/>);
/// only the writing is different.
/// </summary>
internal static class IncidentBulkWriter
{
    /// <summary>Inserts the incidents with their reports and timelines, giving each incident the next free id.</summary>
    public static async Task InsertAsync(AppDbContext db, IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Begin a transaction first: an import is written all or nothing.");
        var connection = transaction.Connection!;

        var postgres = db.Database.IsNpgsql();
        // Disposed on the way out whatever happens: a failed insert (an event another import took meanwhile, a full disk)
        // must not leave its prepared statements on a connection that goes back to the pool.
        await using var incidentTable = Table.For(db, typeof(Incident), connection, transaction, includeKey: true, postgres);
        await using var reportTable = Table.For(db, typeof(ViolationReport), connection, transaction, includeKey: false, postgres);
        await using var timelineTable = Table.For(db, typeof(TimelineEntry), connection, transaction, includeKey: false, postgres);

        // Inside the transaction SQLite holds the write lock (Microsoft.Data.Sqlite begins IMMEDIATE), so no other
        // writer can take these ids between this read and the inserts. PostgreSQL has concurrent writers (other
        // requests, other app instances): the ids are drawn from the table's own identity sequence instead.
        var ids = postgres
            ? await incidentTable.ReserveKeysAsync(incidents.Count, cancellationToken)
            : Sequence(await incidentTable.MaxKeyAsync(cancellationToken) + 1, incidents.Count);
        foreach (var (incident, id) in incidents.Zip(ids))
        {
            incidentTable.SetKey(incident, id);
            await incidentTable.InsertAsync(incident, cancellationToken);
            foreach (var report in incident.Reports)
            {
                reportTable.Set(report, nameof(ViolationReport.IncidentId), id);
                await reportTable.InsertAsync(report, cancellationToken);
            }

            foreach (var entry in incident.Timeline)
            {
                timelineTable.Set(entry, nameof(TimelineEntry.IncidentId), id);
                await timelineTable.InsertAsync(entry, cancellationToken);
            }

            // PostgreSQL: rows go in batches (one round trip each), parents before children.
            if (incidentTable.Pending >= Table.BatchRows)
            {
                await FlushAsync(incidentTable, reportTable, timelineTable, cancellationToken);
            }
        }

        await FlushAsync(incidentTable, reportTable, timelineTable, cancellationToken);
    }

    private static async Task FlushAsync(Table incidents, Table reports, Table timeline, CancellationToken cancellationToken)
    {
        await incidents.FlushAsync(cancellationToken);
        await reports.FlushAsync(cancellationToken);
        await timeline.FlushAsync(cancellationToken);
    }

    private static List<int> Sequence(long first, int count) => [.. Enumerable.Range(0, count).Select(i => checked((int)(first + i)))];

    /// <summary>One table's prepared INSERT, with each column's getter and value conversion taken from the model.</summary>
    private sealed class Table : IAsyncDisposable
    {
        private readonly DbCommand insert;
        private readonly IReadOnlyList<(IProperty Property, DbParameter Parameter)> columns;
        private readonly IEntityType entityType;
        private readonly string tableName;
        private readonly bool providerParameters;
        private DbBatch? batch;

        /// <summary>Incidents per PostgreSQL batch (with their reports and timelines, a few thousand statements).</summary>
        public const int BatchRows = 500;

        private Table(IEntityType entityType, string tableName, DbCommand insert, IReadOnlyList<(IProperty, DbParameter)> columns, bool providerParameters)
        {
            this.entityType = entityType;
            this.tableName = tableName;
            this.insert = insert;
            this.columns = columns;
            this.providerParameters = providerParameters;
        }

        // providerParameters (PostgreSQL): each value's parameter is made by its EF Core type mapping (a UTC instant
        // must travel as timestamptz, which a bare DbType cannot say) rather than reused and refilled, and the rows
        // are sent in batches of BatchRows statements rather than one round trip each.
        public static Table For(AppDbContext db, Type clrType, DbConnection connection, DbTransaction transaction, bool includeKey, bool providerParameters)
        {
            var entityType = db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not mapped.");
            var tableName = entityType.GetTableName() ?? throw new InvalidOperationException($"{clrType.Name} has no table.");
            var properties = entityType.GetProperties()
                .Where(p => includeKey || !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
                .ToList();
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var list = new List<(IProperty, DbParameter)>();
            foreach (var (property, i) in properties.Select((p, i) => (p, i)))
            {
                if (property.IsShadowProperty())
                {
                    throw new InvalidOperationException($"{clrType.Name}.{property.Name} is a shadow property; the bulk writer reads CLR members only.");
                }

                var parameter = command.CreateParameter();
                parameter.ParameterName = "@p" + i;
                command.Parameters.Add(parameter);
                list.Add((property, parameter));
            }

            // Batched statements take positional parameters ($1, $2, …).
            command.CommandText =
                $"INSERT INTO \"{tableName}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) " +
                $"VALUES ({string.Join(", ", list.Select((c, i) => providerParameters ? "$" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : c.Item2.ParameterName))})";
            return new Table(entityType, tableName, command, list, providerParameters);
        }

        public async Task<long> MaxKeyAsync(CancellationToken cancellationToken)
        {
            await using var max = insert.Connection!.CreateCommand();
            max.Transaction = insert.Transaction;
            var key = entityType.FindPrimaryKey()!.Properties.Single();
            max.CommandText = $"SELECT COALESCE(MAX(\"{key.GetColumnName()}\"), 0) FROM \"{tableName}\"";
            return Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Takes <paramref name="count"/> ids from the key column's identity sequence (PostgreSQL).</summary>
        public async Task<List<int>> ReserveKeysAsync(int count, CancellationToken cancellationToken)
        {
            await using var reserve = insert.Connection!.CreateCommand();
            reserve.Transaction = insert.Transaction;
            var key = entityType.FindPrimaryKey()!.Properties.Single();
            reserve.CommandText =
                $"SELECT nextval(pg_get_serial_sequence('\"{tableName}\"', '{key.GetColumnName()}')) FROM generate_series(1, {count.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
            var ids = new List<int>(count);
            await using var reader = await reserve.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(checked((int)reader.GetInt64(0)));
            }

            return ids;
        }

        public void SetKey(object entity, int id) => Set(entity, entityType.FindPrimaryKey()!.Properties.Single().Name, id);

        public void Set(object entity, string propertyName, object value)
        {
            var property = entityType.FindProperty(propertyName)!;
            if (property.PropertyInfo is { CanWrite: true } info)
            {
                info.SetValue(entity, value);
            }
            else
            {
                property.FieldInfo!.SetValue(entity, value);
            }
        }

        public async Task InsertAsync(object entity, CancellationToken cancellationToken)
        {
            if (providerParameters)
            {
                batch ??= insert.Connection!.CreateBatch();
                batch.Transaction = insert.Transaction;
                var row = batch.CreateBatchCommand();
                row.CommandText = insert.CommandText;
                foreach (var (property, _) in columns)
                {
                    var clrValue = property.GetGetter().GetClrValueUsingContainingEntity(entity);
                    row.Parameters.Add(property.GetRelationalTypeMapping()
                        .CreateParameter(insert, string.Empty, clrValue, property.IsNullable));
                }

                batch.BatchCommands.Add(row);
                return;
            }

            foreach (var (property, parameter) in columns)
            {
                ModelParameter.Set(parameter, property.GetRelationalTypeMapping(), property.GetGetter().GetClrValueUsingContainingEntity(entity));
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        /// <summary>Rows waiting in the batch (PostgreSQL).</summary>
        public int Pending => batch?.BatchCommands.Count ?? 0;

        /// <summary>Sends the batched rows, if any.</summary>
        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (batch is { BatchCommands.Count: > 0 })
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            if (batch is not null)
            {
                await batch.DisposeAsync();
                batch = null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (batch is not null)
            {
                await batch.DisposeAsync();
            }

            await insert.DisposeAsync();
        }
    }
}
