using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// A machine API key. Only a SHA-256 hash of the secret is stored: the secret is shown once when the key
/// is created. Keys are long random strings, so a fast hash is enough (no password stretching needed).
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }

    /// <summary>Named on the timeline as the actor of what the key does.</summary>
    public string Name { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public string SecretHash { get; set; } = string.Empty;

    /// <summary>The first characters of the secret, so a person can tell keys apart.</summary>
    public string Prefix { get; set; } = string.Empty;

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = string.Empty;

    public DateTime? RevokedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A new secret: "cw_" and 32 random bytes in URL-safe base64.</summary>
    public static string NewSecret() =>
        "cw_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public enum SecurityEventKind
{
    SignedIn,
    SignInFailed,
    LockedOut,
    SignedOut,
    SetupCompleted,
    UserCreated,
    RoleChanged,
    UserDisabled,
    UserEnabled,
    PasswordReset,
    ApiKeyCreated,
    ApiKeyRevoked,
    ApiKeyRejected,
    CredentialGuessingThrottled,
    RosterChanged,
    NotificationRuleCreated,
    NotificationRuleDeleted,
}

/// <summary>One line of the security log: who did what to whom, when, and from where.</summary>
public sealed class SecurityEvent
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    public SecurityEventKind Kind { get; set; }

    /// <summary>The account or key acted on (for a sign-in: the email tried).</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary>Who acted: a user, or "anonymous" for sign-in attempts.</summary>
    public string Actor { get; set; } = string.Empty;

    public string SourceAddress { get; set; } = string.Empty;

    public string Details { get; set; } = string.Empty;
}

internal sealed class SecurityConfiguration : IEntityTypeConfiguration<ApiKey>, IEntityTypeConfiguration<SecurityEvent>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.HasKey(k => k.Id);
        key.Property(k => k.Name).IsRequired().HasMaxLength(100);
        key.HasIndex(k => k.Name).IsUnique();
        key.Property(k => k.Role).IsRequired().HasMaxLength(32);
        key.Property(k => k.SecretHash).IsRequired().HasMaxLength(64);
        key.HasIndex(k => k.SecretHash).IsUnique();
        key.Property(k => k.Prefix).IsRequired().HasMaxLength(16);
        key.Property(k => k.CreatedBy).IsRequired().HasMaxLength(256);
    }

    public void Configure(EntityTypeBuilder<SecurityEvent> securityEvent)
    {
        securityEvent.HasKey(e => e.Id);
        securityEvent.Property(e => e.Kind).HasConversion<string>().HasMaxLength(32);
        securityEvent.Property(e => e.Subject).IsRequired().HasMaxLength(256);
        securityEvent.Property(e => e.Actor).IsRequired().HasMaxLength(256);
        securityEvent.Property(e => e.SourceAddress).IsRequired().HasMaxLength(64);
        securityEvent.Property(e => e.Details).IsRequired().HasMaxLength(1000);
        securityEvent.HasIndex(e => e.At);
    }
}
