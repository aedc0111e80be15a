using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReportVerification : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "VerifiedAt",
                table: "Reports",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerifiedBy",
                table: "Reports",
                type: "TEXT",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "VerifiedAt",
                table: "Reports");

            migrationBuilder.DropColumn(
                name: "VerifiedBy",
                table: "Reports");
        }
    }
}
