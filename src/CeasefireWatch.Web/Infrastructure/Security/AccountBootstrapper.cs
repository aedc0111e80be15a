using CeasefireWatch.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// At start, after the database is ready: ensures the four roles, creates the configured administrator
/// when no user exists yet, and ensures the configured Supervisor API key (CONTRACT.md, Bootstrap:*).
/// </summary>
internal sealed partial class AccountBootstrapper(
    IServiceScopeFactory scopes, IOptions<BootstrapOptions> options, TimeProvider clock, ILogger<AccountBootstrapper> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var bootstrap = options.Value;
        var secret = string.IsNullOrWhiteSpace(bootstrap.ApiKey) ? null : bootstrap.ApiKey.Trim();

        // Every start but the first finds everything in place. Asked with one plain command: the LINQ queries below were
        // the first of the process, and compiled EF Core's query pipeline on the way to listening (docs/performance.md).
        var found = await FindInPlaceAsync(
            services.GetRequiredService<AppDbContext>(), services.GetRequiredService<ILookupNormalizer>(), bootstrap, secret, cancellationToken);
        if (found.NothingToDo)
        {
            if (found.KeyRevoked)
            {
                LogApiKeyRevoked(BootstrapOptions.ApiKeyName);
            }

            return;
        }

        // Instances starting together on one PostgreSQL database take turns: one creates, the others find it done.
        await using var turn = await StartupLock.AcquireAsync(services.GetRequiredService<AppDbContext>(), cancellationToken);
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var db = services.GetRequiredService<AppDbContext>();
        if (!string.IsNullOrWhiteSpace(bootstrap.AdminEmail) && !await db.Users.AnyAsync(cancellationToken))
        {
            await CreateAdminAsync(services.GetRequiredService<UserManager<AppUser>>(), bootstrap.AdminEmail.Trim(), bootstrap.AdminPassword!);
            await services.GetRequiredService<SecurityLog>().WriteAsync(
                SecurityEventKind.UserCreated, bootstrap.AdminEmail.Trim(), "Administrator created from Bootstrap:AdminEmail.", "bootstrap");
            LogAdminCreated(bootstrap.AdminEmail.Trim());
        }

        if (secret is not null)
        {
            await EnsureApiKeyAsync(db, secret, cancellationToken);
        }
    }

    /// <summary>What a start would find: <see cref="InPlace.NothingToDo"/> when the steps below would change nothing.</summary>
    internal readonly record struct InPlace(bool NothingToDo, bool KeyRevoked);

    /// <summary>
    /// Whether every role exists, a user exists (when an administrator is configured) and the configured key is either
    /// in place as <see cref="EnsureApiKeyAsync"/> leaves it or revoked: one command, names from the model.
    /// </summary>
    internal static async Task<InPlace> FindInPlaceAsync(
        AppDbContext db, ILookupNormalizer normalizer, BootstrapOptions bootstrap, string? secret, CancellationToken cancellationToken)
    {
        var role = db.Model.FindEntityType(typeof(IdentityRole))!;
        var user = db.Model.FindEntityType(typeof(AppUser))!;
        var key = db.Model.FindEntityType(typeof(ApiKey))!;
        string Column(Microsoft.EntityFrameworkCore.Metadata.IEntityType type, string property) => $"\"{type.FindProperty(property)!.GetColumnName()}\"";
        var roleNames = Roles.All.Select((_, i) => "@role" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var keys = $"\"{key.GetTableName()}\"";

        var sql =
            $"SELECT (SELECT COUNT(*) FROM \"{role.GetTableName()}\" WHERE {Column(role, nameof(IdentityRole.NormalizedName))} IN ({string.Join(", ", roleNames)})), " +
            $"EXISTS (SELECT 1 FROM \"{user.GetTableName()}\"), " +
            $"EXISTS (SELECT 1 FROM {keys} WHERE {Column(key, nameof(ApiKey.SecretHash))} = @hash AND {Column(key, nameof(ApiKey.RevokedAt))} IS NOT NULL), " +
            $"EXISTS (SELECT 1 FROM {keys} WHERE {Column(key, nameof(ApiKey.Name))} = @name AND {Column(key, nameof(ApiKey.RevokedAt))} IS NULL " +
            $"AND {Column(key, nameof(ApiKey.SecretHash))} = @hash AND {Column(key, nameof(ApiKey.Role))} = @supervisor)";
        return await PlainReads.FirstRowAsync(
            db,
            sql,
            parameters =>
            {
                foreach (var (name, value) in roleNames.Zip(Roles.All.Select(r => normalizer.NormalizeName(r))))
                {
                    parameters.Add(name, value);
                }

                parameters.Add("@hash", secret is null ? string.Empty : ApiKey.Hash(secret));
                parameters.Add("@name", BootstrapOptions.ApiKeyName);
                parameters.Add("@supervisor", Roles.Supervisor);
            },
            row =>
            {
                static bool True(object value) => Convert.ToBoolean(value, System.Globalization.CultureInfo.InvariantCulture);
                var rolesInPlace = Convert.ToInt64(row.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) == Roles.All.Count;
                var userInPlace = string.IsNullOrWhiteSpace(bootstrap.AdminEmail) || True(row.GetValue(1));
                var revoked = secret is not null && True(row.GetValue(2));
                var keyInPlace = secret is null || revoked || True(row.GetValue(3));
                return new InPlace(rolesInPlace && userInPlace && keyInPlace, revoked);
            },
            cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates an administrator, or throws with Identity's reasons (a weak password, say).</summary>
    internal static async Task<AppUser> CreateAdminAsync(UserManager<AppUser> users, string email, string password)
    {
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new SettingException(
                $"The administrator {email} (Bootstrap:AdminEmail) could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }

        await users.AddToRoleAsync(user, Roles.Admin);
        return user;
    }

    /// <summary>
    /// Ensures the configured key, unless an administrator revoked it: a revocation is a decision about that secret
    /// and outlives restarts (the configuration still naming it must not bring it back). A different secret in the
    /// configuration is a new key, and is ensured.
    /// </summary>
    private async Task EnsureApiKeyAsync(AppDbContext db, string secret, CancellationToken ct)
    {
        var hash = ApiKey.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.SecretHash == hash && k.RevokedAt != null, ct))
        {
            LogApiKeyRevoked(BootstrapOptions.ApiKeyName);
            return;
        }

        var existing = await db.ApiKeys.FirstOrDefaultAsync(k => k.Name == BootstrapOptions.ApiKeyName, ct);
        if (existing is { RevokedAt: null } && existing.SecretHash == hash && existing.Role == Roles.Supervisor)
        {
            return;
        }

        if (existing is { RevokedAt: not null })
        {
            // The revoked key keeps its row (and its history in the security log) under a name that says so.
            existing.Name = $"{BootstrapOptions.ApiKeyName} (revoked {existing.RevokedAt:yyyy-MM-dd HH:mm:ss})";
            existing = null;
        }

        existing ??= db.ApiKeys.Add(new ApiKey { Name = BootstrapOptions.ApiKeyName }).Entity;
        existing.Role = Roles.Supervisor;
        existing.SecretHash = hash;
        existing.Prefix = secret[..Math.Min(6, secret.Length)];
        existing.RevokedAt = null;
        existing.CreatedAt = clock.GetUtcNow().UtcDateTime;
        existing.CreatedBy = "Bootstrap:ApiKey";
        await db.SaveChangesAsync(ct);
        LogApiKeyEnsured(BootstrapOptions.ApiKeyName);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The key in Bootstrap:ApiKey ({Name}) was revoked by an administrator and is not restored; remove it from the configuration, or set a new secret")]
    private partial void LogApiKeyRevoked(string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Administrator {Email} created from Bootstrap settings")]
    private partial void LogAdminCreated(string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {Name} ensured from Bootstrap:ApiKey with the Supervisor role")]
    private partial void LogApiKeyEnsured(string name);
}
