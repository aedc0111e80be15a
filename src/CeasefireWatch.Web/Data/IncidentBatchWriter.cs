using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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
    /// <summary>
    /// The statements' text and bindings depend on the model alone, so they are built once per model: building them
    /// for every group commit (SQL text from the model's names, getters, type mappings) was 8 % of a report's managed
    /// time on the request thread at one connection (docs/performance.md, seventh round).
    /// </summary>
    private static readonly ConditionalWeakTable<IModel, Statements> ByModel = [];

    private readonly DbTransaction transaction;
    private readonly bool providerParameters;
    private readonly Statements statements;

    /// <summary>One prepared UPDATE per set of changed columns (entering tier 2 always changes the same few).</summary>
    private readonly Dictionary<ulong, RowCommand> updates = [];
    private readonly RowCommand insertEntry;
    private readonly RowCommand insertDelivery;

    /// <summary>For new incidents only, made on first use (the engine never inserts one).</summary>
    private RowCommand? insertIncident;
    private RowCommand? insertReport;

    private IncidentBatchWriter(DbTransaction transaction, Statements statements)
    {
        this.transaction = transaction;
        this.statements = statements;
        // PostgreSQL's parameters are made per value by the type mapping (see RowCommand.Bind); SQLite's are bound in place.
        providerParameters = transaction.Connection is NpgsqlConnection;
        insertEntry = new RowCommand(transaction, providerParameters, statements.InsertEntry);
        insertDelivery = new RowCommand(transaction, providerParameters, statements.InsertDelivery);
    }

    public static IncidentBatchWriter Create(AppDbContext db)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Begin a transaction first: a batch is written all or nothing.");
        return new IncidentBatchWriter(transaction, StatementsOf(db.Model));
    }

    /// <summary>
    /// Builds the model's statements ahead of the first batch. Building them compiles a getter for every column (EF Core
    /// compiles each on first use): ~0.2 s, which the first burst of tiers after a start otherwise waited for
    /// (docs/performance.md, twelfth round). Idempotent and cheap once done.
    /// </summary>
    public static void Prepare(IModel model) => StatementsOf(model);

    private static Statements StatementsOf(IModel model) => ByModel.GetValue(model, static model => new Statements(model));

    /// <summary>Whether <see cref="Prepare"/> (or a first batch) has built the statements of <paramref name="model"/>.</summary>
    internal static bool IsPrepared(IModel model) => ByModel.TryGetValue(model, out _);

    /// <summary>The incident's column values as read, for <see cref="UpdateAsync"/> to write only what the domain changed.</summary>
    public object?[] Snapshot(Incident incident) =>
        [.. statements.IncidentColumns.Select(p => p.GetGetter().GetClrValueUsingContainingEntity(incident))];

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

        var columns = statements.IncidentColumns;
        var mask = 0UL;
        for (var i = 0; i < columns.Count; i++)
        {
            if (!Equals(read[i], columns[i].GetGetter().GetClrValueUsingContainingEntity(incident)))
            {
                mask |= 1UL << i;
            }
        }

        if (mask != 0)
        {
            var update = UpdateFor(mask);
            var affected = await update.ExecuteNonQueryAsync(incident, cancellationToken, incident.Id, read[statements.VersionIndex]);
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

        insertIncident ??= new RowCommand(transaction, providerParameters, statements.InsertIncident);
        insertReport ??= new RowCommand(transaction, providerParameters, statements.InsertReport);
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

    private RowCommand UpdateFor(ulong mask)
    {
        if (!updates.TryGetValue(mask, out var command))
        {
            command = new RowCommand(transaction, providerParameters, statements.UpdateFor(mask));
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

    /// <summary>The statements of one model: their SQL text, the columns they bind and how each value is read and converted.</summary>
    private sealed class Statements
    {
        private readonly IEntityType incidentType;
        private readonly ConcurrentDictionary<ulong, RowShape> updates = new();

        public Statements(IModel model)
        {
            incidentType = Entity(model, typeof(Incident));
            IncidentColumns = [.. incidentType.GetProperties().Where(p => !p.IsPrimaryKey() && !p.IsShadowProperty())];
            if (IncidentColumns.Count > 64)
            {
                throw new InvalidOperationException("Incidents have more than 64 columns: widen the changed-column mask.");
            }

            VersionIndex = IncidentColumns.ToList().FindIndex(p => p.IsConcurrencyToken);
            InsertIncident = InsertReturningKey(incidentType);
            InsertReport = InsertReturningKey(Entity(model, typeof(ViolationReport)));
            InsertEntry = InsertReturningKey(Entity(model, typeof(TimelineEntry)));

            var delivery = Entity(model, typeof(NotificationDelivery));
            var deliveryColumns = delivery.GetProperties().ToList();
            InsertDelivery = RowShape.Create(deliveryColumns, names =>
                $"INSERT INTO \"{delivery.GetTableName()}\" ({ColumnList(deliveryColumns)}) VALUES ({string.Join(", ", names)})");
        }

        public IReadOnlyList<IProperty> IncidentColumns { get; }

        public int VersionIndex { get; }

        public RowShape InsertIncident { get; }

        public RowShape InsertReport { get; }

        public RowShape InsertEntry { get; }

        public RowShape InsertDelivery { get; }

        /// <summary>An UPDATE of the columns in <paramref name="mask"/>, guarded by the key and the version read.</summary>
        public RowShape UpdateFor(ulong mask) => updates.GetOrAdd(mask, static (mask, self) =>
        {
            var version = self.IncidentColumns[self.VersionIndex];
            var key = self.incidentType.FindPrimaryKey()!.Properties.Single();
            var set = self.IncidentColumns.Where((_, i) => (mask & (1UL << i)) != 0).ToList();
            return RowShape.Create([.. set, key, version], names =>
                $"UPDATE \"{self.incidentType.GetTableName()}\" SET {string.Join(", ", set.Select((p, i) => $"\"{p.GetColumnName()}\" = {names[i]}"))} " +
                $"WHERE \"{key.GetColumnName()}\" = {names[set.Count]} AND \"{version.GetColumnName()}\" = {names[set.Count + 1]}");
        }, this);

        /// <summary>An INSERT of every column but the key, returning the key the database assigned.</summary>
        private static RowShape InsertReturningKey(IEntityType type)
        {
            var key = type.FindPrimaryKey()!.Properties.Single();
            var columns = type.GetProperties().Where(p => !p.IsPrimaryKey()).ToList();
            return RowShape.Create(columns, names =>
                $"INSERT INTO \"{type.GetTableName()}\" ({ColumnList(columns)}) VALUES ({string.Join(", ", names)}) RETURNING \"{key.GetColumnName()}\"");
        }

        private static string ColumnList(IEnumerable<IProperty> columns) => string.Join(", ", columns.Select(p => $"\"{p.GetColumnName()}\""));

        private static IEntityType Entity(IModel model, Type clrType) =>
            model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not mapped.");
    }

    /// <summary>
    /// A statement over model properties: its text, with one parameter per column (<c>@p0</c>, <c>@p1</c>, …), and how
    /// each row's values are read from the entity (the model's getters) and converted (its type mappings), so they are
    /// stored exactly as SaveChanges would store them.
    /// </summary>
    private sealed record RowShape(string Sql, IReadOnlyList<IProperty> Columns, IClrPropertyGetter[] Getters, RelationalTypeMapping[] Mappings)
    {
        public static RowShape Create(IReadOnlyList<IProperty> columns, Func<string[], string> sql)
        {
            if (columns.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
            {
                throw new InvalidOperationException($"{shadow.DeclaringType.DisplayName()}.{shadow.Name} is a shadow property; the batch writer reads CLR members only.");
            }

            var names = columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            return new RowShape(sql(names), columns, [.. columns.Select(p => p.GetGetter())], [.. columns.Select(p => p.GetRelationalTypeMapping())]);
        }
    }

    /// <summary>One prepared statement of a <see cref="RowShape"/> in the writer's transaction.</summary>
    private sealed class RowCommand : IAsyncDisposable
    {
        private readonly DbCommand command;
        private readonly bool providerParameters;
        private readonly RowShape shape;

        public RowCommand(DbTransaction transaction, bool providerParameters, RowShape shape)
        {
            this.providerParameters = providerParameters;
            this.shape = shape;
            command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = shape.Sql;
            if (!providerParameters)
            {
                for (var i = 0; i < shape.Columns.Count; i++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
                    command.Parameters.Add(parameter);
                }
            }
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

        private static readonly ConcurrentDictionary<(Type, string), System.Reflection.PropertyInfo> Members = new();

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

            var getters = shape.Getters;
            var given = getters.Length - lastValues.Length;
            for (var i = 0; i < getters.Length; i++)
            {
                var value = i < given ? getters[i].GetClrValueUsingContainingEntity(entity) : lastValues[i - given];
                var mapping = shape.Mappings[i];
                if (providerParameters)
                {
                    command.Parameters.Add(mapping.CreateParameter(command, "p" + i.ToString(CultureInfo.InvariantCulture), value, shape.Columns[i].IsNullable));
                    continue;
                }

                ModelParameter.Set(command.Parameters[i], mapping, value);
            }
        }

        public ValueTask DisposeAsync() => command.DisposeAsync();
    }
}
