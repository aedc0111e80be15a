using System.ComponentModel.DataAnnotations;

namespace CeasefireWatch.Web.Infrastructure.Security;

/// <summary>
/// First-run settings (CONTRACT.md): an administrator created when no user exists yet, and a Supervisor
/// API key with an exact value, for pipelines and checks.
/// </summary>
public sealed class BootstrapOptions : IValidatableObject
{
    public const string Section = "Bootstrap";

    /// <summary>The name of the key ensured from <see cref="ApiKey"/>, as it appears on the timeline.</summary>
    public const string ApiKeyName = "bootstrap";

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    public string? ApiKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(AdminEmail) != string.IsNullOrWhiteSpace(AdminPassword))
        {
            yield return new ValidationResult(
                "Set both Bootstrap:AdminEmail and Bootstrap:AdminPassword, or neither.", [nameof(AdminEmail), nameof(AdminPassword)]);
        }

        if (ApiKey is { Length: > 0 and < 16 })
        {
            yield return new ValidationResult("Bootstrap:ApiKey must be at least 16 characters long.", [nameof(ApiKey)]);
        }
    }
}
