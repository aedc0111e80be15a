using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Web.Features.Accounts;

/// <summary>What the user use cases share: finding a user, Identity's failures as field messages, and the last-admin rule.</summary>
public static class UserAdministration
{
    public static async Task<AppUser> FindAsync(UserManager<AppUser> users, string? id) =>
        await users.FindByIdAsync(id ?? string.Empty) ?? throw new NotFoundException($"There is no user with id '{id}'.");

    public static void ThrowIfFailed(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            throw new ValidationException(result.Errors.Select(e => new ValidationFailure(field, e.Description)));
        }
    }

    public static async Task<string?> RoleOfAsync(UserManager<AppUser> users, AppUser user) =>
        (await users.GetRolesAsync(user)).FirstOrDefault();

    /// <summary>Refuses a change that would leave no enabled administrator: nobody could manage accounts any more.</summary>
    public static async Task EnsureAnotherAdminRemainsAsync(UserManager<AppUser> users, AppUser user, string field)
    {
        if (await RoleOfAsync(users, user) != Roles.Admin)
        {
            return;
        }

        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        var otherEnabledAdmins = admins.Count(a => a.Id != user.Id && a.LockoutEnd != DateTimeOffset.MaxValue);
        if (otherEnabledAdmins == 0)
        {
            throw new ValidationException([new ValidationFailure(field, $"{user.Email} is the last enabled administrator; make someone else Admin first.")]);
        }
    }
}
