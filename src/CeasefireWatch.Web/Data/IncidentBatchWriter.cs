using System.Data.Common;
using System.Globalization;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Writes what the domain did to a batch of incidents (the engine's tiers) with prepared statements, in the caller's
/// transaction: each incident's row, guarded by the version it was read at, and its new timeline entries; and new
/// incidents whole (the intake's group commit: <see cref="InsertAsync(Incident, CancellationToken)"/>). EF Core's
/// change tracker and save pipeline cost about 0.4 ms per incident here (detecting changes, sorting commands, one
/// command per row through the pipeline), which put 10,000 tiers due at one instant seconds late, and were four
/// fifths of what a new report allocated (docs/performance.md); this is a few statements' worth. As with
/// <see cref="IncidentBulkWriter"/>, the domain makes every decision and the columns and conversions come from the
/// model: only the writing differs.
/// <para>
/// The incidents must have been read <b>without their collections</b> (no reports, answers or timeline), so every
/// timeline entry they hold is one the domain just appended. A row whose version moved on since it was read fails the
/// whole call with <see cref="DbUpdateConcurrencyException"/>: the caller's transaction rolls back and it reads again.
/// </para>
/// </summary>
internal sealed class IncidentBatchWriter : IAsyncDisposable
{
    private readonly DbTransaction transaction;
    private readonly bool providerParameters;
    private readonly IEntityType incidentType;
    private readonly IReadOnlyList<IProperty> incidentColumns;
    private readonly int versionIndex;

    /// <summary>One prepared UPDATE per set of changed columns (entering tier 2 always changes the same few).</summary>
    private readonly Dictionary<ulong, RowCommand> updates = [];
    private readonly RowCommand insertEntry;
    private readonly RowCommand insertDelivery;
    private readonly IEntityType reportType;

    /// <summary>For new incidents only, made on first use (the engine never inserts one).</summary>
    private RowCommand? insertIncident;
    private RowCommand? insertReport;

    private IncidentBatchWriter(
        DbTransaction transaction, bool providerParameters, IEntityType incidentType, IEntityType reportType, RowCommand insertEntry, RowCommand insertDelivery)
    {
        this.transaction = transaction;
        this.providerParameters = providerParameters;
        this.incidentType = incidentType;
        this.reportType = reportType;
        incidentColumns = [.. incidentType.GetProperties().Where(p => !p.IsPrimaryKey() && !p.IsShadowProperty())];
        if (incidentColumns.Count > 64)
        {
            throw new InvalidOperationException("Incidents have more than 64 columns: widen the changed-column mask.");
        }

        versionIndex = incidentColumns.ToList().FindIndex(p => p.IsConcurrencyToken);
        this.insertEntry = insertEntry;
        this.insertDelivery = insertDelivery;
    }

    public static IncidentBatchWriter Create(AppDbContext db)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Begin a transaction first: a batch is written all or nothing.");
        var providerParameters = db.Database.IsNpgsql();

        var entry = Entity(db, typeof(TimelineEntry));
        var entryKey = entry.FindPrimaryKey()!.Properties.Single();
        var entryColumns = entry.GetProperties().Where(p => !p.IsPrimaryKey()).ToList();
        var insert = RowCommand.Create(transaction, providerParameters, entryColumns, names =>
            $"INSERT INTO \"{entry.GetTableName()}\" ({string.Join(", ", entryColumns.Select(p => $"\"{p.GetColumnName()}\""))}) " +
            $"VALUES ({string.Join(", ", names)}) RETURNING \"{entryKey.GetColumnName()}\"");

        var delivery = Entity(db, typeof(NotificationDelivery));
        var deliveryColumns = delivery.GetProperties().ToList();
        var deliver = RowCommand.Create(transaction, providerParameters, deliveryColumns, names =>
            $"INSERT INTO \"{delivery.GetTableName()}\" ({string.Join(", ", deliveryColumns.Select(p => $"\"{p.GetColumnName()}\""))}) " +
            $"VALUES ({string.Join(", ", names)})");
        return new IncidentBatchWriter(transaction, providerParameters, Entity(db, typeof(Incident)), Entity(db, typeof(ViolationReport)), insert, deliver);
    }

    /// <summary>The incident's column values as read, for <see cref="UpdateAsync"/> to write only what the domain changed.</summary>
    public object?[] Snapshot(Incident incident) =>
        [.. incidentColumns.Select(p => p.GetGetter().GetClrValueUsingContainingEntity(incident))];

    /// <summary>
    /// Writes the columns the domain changed since <paramref name="read"/> (an UPDATE of every column would rewrite
    /// every index of the table), guarded by the version it was read at, and gives the incident's new timeline entries
    /// their ids (deliveries point at them).
    /// </summary>
    public async Task UpdateAsync(Incident incident, object?[] read, CancellationToken cancellationToken)
    {
        if (incident.Reports.Count + incident.Acknowledgements.Count > 0)
        {
            throw new InvalidOperationException($"{incident.Reference} was read with its collections; the batch writer writes only what the domain appends.");
        }

        var mask = 0UL;
        for (var i = 0; i < incidentColumns.Count; i++)
        {
            if (!Equals(read[i], incidentColumns[i].GetGetter().GetClrValueUsingContainingEntity(incident)))
            {
                mask |= 1UL << i;
            }
        }

        if (mask != 0)
        {
            var update = UpdateFor(mask);
            var affected = await update.ExecuteNonQueryAsync(incident, cancellationToken, incident.Id, read[versionIndex]);
            if (affected != 1)
            {
                throw new DbUpdateConcurrencyException($"{incident.Reference} changed after the engine read it.");
            }
        }

        await InsertTimelineAsync(incident, cancellationToken);
    }

    /// <summary>
    /// Inserts a new incident the domain has just opened, with its reports and timeline, and gives each row the id the
    /// database assigned (the incident's reference is made from its id; deliveries point at the entries).
    /// </summary>
    public async Task InsertAsync(Incident incident, CancellationToken cancellationToken)
    {
        if (incident.Id != 0 || incident.Acknowledgements.Count > 0)
        {
            throw new InvalidOperationException("Only an incident the domain has just opened is inserted whole.");
        }

        insertIncident ??= InsertReturningKey(incidentType);
        insertReport ??= InsertReturningKey(reportType);
        RowCommand.SetMember(incident, nameof(Incident.Id), Convert.ToInt32(await insertIncident.ExecuteScalarAsync(incident, cancellationToken), CultureInfo.InvariantCulture));
        foreach (var report in incident.Reports)
        {
            RowCommand.SetMember(report, nameof(ViolationReport.IncidentId), incident.Id);
            RowCommand.SetMember(report, nameof(ViolationReport.Id), Convert.ToInt64(await insertReport.ExecuteScalarAsync(report, cancellationToken), CultureInfo.InvariantCulture));
        }

        await InsertTimelineAsync(incident, cancellationToken);
    }

    private async Task InsertTimelineAsync(Incident incident, CancellationToken cancellationToken)
    {
        foreach (var entry in incident.Timeline)
        {
            RowCommand.SetMember(entry, nameof(TimelineEntry.IncidentId), incident.Id);
            var id = await insertEntry.ExecuteScalarAsync(entry, cancellationToken);
            RowCommand.SetMember(entry, nameof(TimelineEntry.Id), Convert.ToInt64(id, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>An INSERT of every column but the key, returning the key the database assigned.</summary>
    private RowCommand InsertReturningKey(IEntityType type)
    {
        var key = type.FindPrimaryKey()!.Properties.Single();
        var columns = type.GetProperties().Where(p => !p.IsPrimaryKey()).ToList();
        return RowCommand.Create(transaction, providerParameters, columns, names =>
            $"INSERT INTO \"{type.GetTableName()}\" ({string.Join(", ", columns.Select(p => $"\"{p.GetColumnName()}\""))}) " +
            $"VALUES ({string.Join(", ", names)}) RETURNING \"{key.GetColumnName()}\"");
    }

    private RowCommand UpdateFor(ulong mask)
    {
        if (!updates.TryGetValue(mask, out var command))
        {
            var version = incidentColumns[versionIndex];
            var key = incidentType.FindPrimaryKey()!.Properties.Single();
            var set = incidentColumns.Where((_, i) => (mask & (1UL << i)) != 0).ToList();
            command = RowCommand.Create(transaction, providerParameters, [.. set, key, version], names =>
                $"UPDATE \"{incidentType.GetTableName()}\" SET {string.Join(", ", set.Select((p, i) => $"\"{p.GetColumnName()}\" = {names[i]}"))} " +
                $"WHERE \"{key.GetColumnName()}\" = {names[set.Count]} AND \"{version.GetColumnName()}\" = {names[set.Count + 1]}");
            updates.Add(mask, command);
        }

        return command;
    }

    public Task InsertAsync(NotificationDelivery delivery, CancellationToken cancellationToken) =>
        insertDelivery.ExecuteNonQueryAsync(delivery, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var update in updates.Values)
        {
            await update.DisposeAsync();
        }

        await insertEntry.DisposeAsync();
        await insertDelivery.DisposeAsync();
        if (insertIncident is not null)
        {
            await insertIncident.DisposeAsync();
        }

        if (insertReport is not null)
        {
            await insertReport.DisposeAsync();
        }
    }

    private static IEntityType Entity(AppDbContext db, Type clrType) =>
        db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not mapped.");

    /// <summary>
    /// One prepared statement over model properties: each row's values are read from the entity through the model's
    /// getters and converted by its type mappings (so they are stored exactly as SaveChanges would store them).
    /// </summary>
    private sealed class RowCommand : IAsyncDisposable
    {
        private readonly DbCommand command;
        private readonly bool providerParameters;
        private readonly IClrPropertyGetter[] getters;
        private readonly RelationalTypeMapping[] mappings;

        private RowCommand(DbCommand command, IReadOnlyList<IProperty> columns, bool providerParameters)
        {
            this.command = command;
            Columns = columns;
            this.providerParameters = providerParameters;
            getters = [.. columns.Select(p => p.GetGetter())];
            mappings = [.. columns.Select(p => p.GetRelationalTypeMapping())];
        }

        public IReadOnlyList<IProperty> Columns { get; }

        public static RowCommand Create(DbTransaction transaction, bool providerParameters, IReadOnlyList<IProperty> columns, Func<string[], string> sql)
        {
            if (columns.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
            {
                throw new InvalidOperationException($"{shadow.DeclaringType.DisplayName()}.{shadow.Name} is a shadow property; the batch writer reads CLR members only.");
            }

            var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var names = columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            command.CommandText = sql(names);
            if (!providerParameters)
            {
                foreach (var name in names)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    command.Parameters.Add(parameter);
                }
            }

            return new RowCommand(command, columns, providerParameters);
        }

        /// <summary>Runs the statement for <paramref name="entity"/>; the last columns may take given values (a WHERE's key and version).</summary>
        public async Task<int> ExecuteNonQueryAsync(object entity, CancellationToken cancellationToken, params object?[] lastValues)
        {
            Bind(entity, lastValues);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task<object?> ExecuteScalarAsync(object entity, CancellationToken cancellationToken)
        {
            Bind(entity, []);
            return await command.ExecuteScalarAsync(cancellationToken);
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type, string), System.Reflection.PropertyInfo> Members = new();

        /// <summary>Sets a member the domain keeps private (ids the database assigns), as EF Core's materializer does.</summary>
        public static void SetMember(object entity, string name, object value)
        {
            var property = Members.GetOrAdd((entity.GetType(), name), static key =>
                key.Item1.GetProperty(key.Item2) ?? throw new InvalidOperationException($"{key.Item1.Name} has no {key.Item2}."));
            property.SetValue(entity, value.GetType() == property.PropertyType ? value : Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
        }

        private void Bind(object entity, object?[] lastValues)
        {
            if (providerParameters)
            {
                // PostgreSQL: each value's parameter is made by its type mapping (a UTC instant must travel as
                // timestamptz, which a bare DbType cannot say).
                command.Parameters.Clear();
            }

            var given = getters.Length - lastValues.Length;
            for (var i = 0; i < getters.Length; i++)
            {
                var value = i < given ? getters[i].GetClrValueUsingContainingEntity(entity) : lastValues[i - given];
                var mapping = mappings[i];
                if (providerParameters)
                {
                    command.Parameters.Add(mapping.CreateParameter(command, "p" + i.ToString(CultureInfo.InvariantCulture), value, Columns[i].IsNullable));
                    continue;
                }

                ModelParameter.Set(command.Parameters[i], mapping, value);
            }
        }

        public ValueTask DisposeAsync() => command.DisposeAsync();
    }
}
