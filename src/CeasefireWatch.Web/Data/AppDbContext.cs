using CeasefireWatch.Web.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CeasefireWatch.Web.Data;

public sealed class AppUser : IdentityUser
{
}

/// <summary>
/// The app's database. This type is the SQLite one (its migrations are in <c>Data/Migrations</c>);
/// <see cref="PostgresAppDbContext"/> is the same model on PostgreSQL with migrations of its own. Everything in the app
/// asks for <see cref="AppDbContext"/>, whichever it is.
/// </summary>
public class AppDbContext : IdentityDbContext<AppUser>, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's own subclass, whose options name that subclass.</summary>
    protected AppDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<ViolationReport> Reports => Set<ViolationReport>();

    public DbSet<TimelineEntry> TimelineEntries => Set<TimelineEntry>();

    public DbSet<Region> Regions => Set<Region>();

    public DbSet<CoalitionMember> CoalitionMembers => Set<CoalitionMember>();

    public DbSet<PolicyTier> PolicyTiers => Set<PolicyTier>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();

    public DbSet<HealthProbe> HealthProbes => Set<HealthProbe>();

    /// <summary>ASP.NET Core data-protection keys, shared by every app instance on this database (cookies, antiforgery).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare DateTimeOffset in SQL; UTC DateTime is stored as ISO text, which orders correctly.
        // Reading it back must say it is UTC again, or serialisation would drop the "Z".
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();

        // Names travel as the exact strings of CONTRACT.md, in the database too.
        configurationBuilder.Properties<Stage>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<IncidentStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ViolationType>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<Severity>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<SourceType>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<TimelineKind>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    // Internal, not private: the compiled model (Data/CompiledModel) names them.
    internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    internal sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}

/// <summary>
/// The same model on PostgreSQL. A type of its own only so that its migrations (<c>Data/Migrations/Postgres</c>) are
/// told apart from SQLite's: EF Core finds a context's migrations by the context type they name.
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
}
