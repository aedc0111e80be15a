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

        var bootstrap = options.Value;
        var db = services.GetRequiredService<AppDbContext>();
        if (!string.IsNullOrWhiteSpace(bootstrap.AdminEmail) && !await db.Users.AnyAsync(cancellationToken))
        {
            await CreateAdminAsync(services.GetRequiredService<UserManager<AppUser>>(), bootstrap.AdminEmail.Trim(), bootstrap.AdminPassword!);
            await services.GetRequiredService<SecurityLog>().WriteAsync(
                SecurityEventKind.UserCreated, bootstrap.AdminEmail.Trim(), "Administrator created from Bootstrap:AdminEmail.", "bootstrap");
            LogAdminCreated(bootstrap.AdminEmail.Trim());
        }

        if (!string.IsNullOrWhiteSpace(bootstrap.ApiKey))
        {
            await EnsureApiKeyAsync(db, bootstrap.ApiKey.Trim(), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates an administrator, or throws with Identity's reasons (a weak password, say).</summary>
    internal static async Task<AppUser> CreateAdminAsync(UserManager<AppUser> users, string email, string password)
    {
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                $"The administrator {email} could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
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
