/**
 * Sequelize models over the tables created by migrations/ (no `sync()`). Attributes are the
 * domain's camelCase names; `underscored` maps them to snake_case columns.
 */
import { DataTypes, Model, type ModelStatic, type Sequelize } from 'sequelize';

export interface Models {
  User: ModelStatic<Model>;
  Source: ModelStatic<Model>;
  Script: ModelStatic<Model>;
  Destination: ModelStatic<Model>;
  Schedule: ModelStatic<Model>;
  Execution: ModelStatic<Model>;
  AuditEvent: ModelStatic<Model>;
  Permission: ModelStatic<Model>;
}

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const required = (type: DataTypes.DataType) => ({ type, allowNull: false });
const optional = (type: DataTypes.DataType) => ({ type, allowNull: true });
const table = (tableName: string, timestamps = true) => ({ tableName, underscored: true, timestamps });

export function defineModels(sequelize: Sequelize): Models {
  const { TEXT, INTEGER, BIGINT, BOOLEAN, DATE, JSONB, ARRAY } = DataTypes;
  return {
    User: sequelize.define('User', {
      id,
      email: required(TEXT),
      name: required(TEXT),
      role: required(TEXT),
      active: required(BOOLEAN),
      lastLoginAt: optional(DATE),
    }, table('users')),
    Source: sequelize.define('Source', {
      id,
      name: required(TEXT),
      host: required(TEXT),
      port: required(INTEGER),
      database: required(TEXT),
      user: { ...required(TEXT), field: 'user_name' },
      charset: required(TEXT),
      legacyCharset: optional(TEXT),
      timeZone: required(TEXT),
      wireCrypt: required(TEXT),
      secretName: required(TEXT),
    }, table('sources')),
    Script: sequelize.define('Script', {
      id,
      name: required(TEXT),
      sourceId: required(INTEGER),
      sql: required(TEXT),
      keyColumns: required(ARRAY(TEXT)),
      watermarkColumn: optional(TEXT),
      allowEmpty: required(BOOLEAN),
    }, table('scripts')),
    Destination: sequelize.define('Destination', {
      id,
      name: required(TEXT),
      kind: required(TEXT),
      projectId: optional(TEXT),
      dataset: optional(TEXT),
      location: optional(TEXT),
      schema: { ...optional(TEXT), field: 'schema_name' },
      table: { ...required(TEXT), field: 'table_name' },
      writeMode: required(TEXT),
      secretName: optional(TEXT),
    }, table('destinations')),
    Schedule: sequelize.define('Schedule', {
      id,
      name: required(TEXT),
      sourceId: required(INTEGER),
      scriptId: required(INTEGER),
      destinationId: required(INTEGER),
      cron: required(TEXT),
      timeZone: required(TEXT),
      active: required(BOOLEAN),
      maxRuntimeSeconds: required(INTEGER),
      createdBy: required(TEXT),
    }, table('schedules')),
    Execution: sequelize.define('Execution', {
      id,
      scheduleId: optional(INTEGER),
      sourceId: optional(INTEGER),
      scriptId: optional(INTEGER),
      destinationId: optional(INTEGER),
      trigger: required(TEXT),
      triggeredBy: required(TEXT),
      runtimeName: optional(TEXT),
      runtimeUid: optional(TEXT),
      status: required(TEXT),
      scheduledFor: optional(DATE),
      startedAt: optional(DATE),
      finishedAt: optional(DATE),
      rowsRead: optional(BIGINT),
      rowsWritten: optional(BIGINT),
      error: optional(TEXT),
      stoppedBy: optional(TEXT),
      params: required(JSONB),
    }, table('executions')),
    AuditEvent: sequelize.define('AuditEvent', {
      id: { type: BIGINT, primaryKey: true, autoIncrement: true },
      at: required(DATE),
      actor: required(TEXT),
      action: required(TEXT),
      targetType: required(TEXT),
      targetId: optional(TEXT),
      details: required(JSONB),
      outcome: required(TEXT),
    }, table('audit_events', false)),
    Permission: sequelize.define('Permission', {
      id,
      userId: required(INTEGER),
      resourceType: required(TEXT),
      resourceId: required(INTEGER),
      grantedBy: required(TEXT),
      createdAt: { type: DATE, allowNull: false, defaultValue: DataTypes.NOW },
    }, { tableName: 'permissions', underscored: true, timestamps: false }),
  };
}
