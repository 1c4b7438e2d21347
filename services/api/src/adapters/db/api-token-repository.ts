/** Sequelize implementation of the API token port (table `api_tokens`, migration 0002). */
import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import type { ApiToken, ApiTokenRepository, NewApiToken } from '../../domain/tokens/token.js';

function defineApiToken(sequelize: Sequelize): ModelStatic<Model> {
  const { TEXT, INTEGER, DATE } = DataTypes;
  return sequelize.define(
    'ApiToken',
    {
      id: { type: INTEGER, primaryKey: true, autoIncrement: true },
      userId: { type: INTEGER, allowNull: false },
      name: { type: TEXT, allowNull: false },
      prefix: { type: TEXT, allowNull: false },
      tokenHash: { type: TEXT, allowNull: false },
      createdAt: { type: DATE, allowNull: false },
      lastUsedAt: { type: DATE, allowNull: true },
      expiresAt: { type: DATE, allowNull: true },
      revokedAt: { type: DATE, allowNull: true },
    },
    { tableName: 'api_tokens', underscored: true, timestamps: true, updatedAt: false },
  );
}

/** Row → token without its hash (the hash leaves the repository only through findByHash). */
function publicToken(row: Model): ApiToken {
  const { tokenHash: _hash, ...token } = row.get({ plain: true }) as ApiToken & { tokenHash: string };
  return token;
}

export class SequelizeApiTokenRepository implements ApiTokenRepository {
  private readonly model: ModelStatic<Model>;

  constructor(sequelize: Sequelize) {
    this.model = defineApiToken(sequelize);
  }

  async create(token: NewApiToken): Promise<ApiToken> {
    return publicToken(await this.model.create({ ...token }));
  }
  async findByHash(tokenHash: string): Promise<(ApiToken & { tokenHash: string }) | null> {
    const row = await this.model.findOne({ where: { tokenHash } });
    return row ? (row.get({ plain: true }) as ApiToken & { tokenHash: string }) : null;
  }
  async get(id: number): Promise<ApiToken | null> {
    const row = await this.model.findByPk(id);
    return row ? publicToken(row) : null;
  }
  async listForUser(userId: number): Promise<ApiToken[]> {
    return (await this.model.findAll({ where: { userId }, order: [['id', 'DESC']] })).map(publicToken);
  }
  async markRevoked(id: number, at: Date): Promise<ApiToken | null> {
    const [count, rows] = await this.model.update({ revokedAt: at }, { where: { id }, returning: true });
    return count > 0 ? publicToken(rows[0]!) : null;
  }
  async touch(id: number, at: Date): Promise<void> {
    await this.model.update({ lastUsedAt: at }, { where: { id } });
  }
}
